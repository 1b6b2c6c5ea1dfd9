# This file is part of the property-management suite.
"""Demo part of the owners' portal: three owners of Garden Court with
portal logins (README, "Portal logins of the demo").

Called by scripts/demo.py with the demo company in the context. The owners
are those of the first homes of Garden Court (by code) that have a repair
ticket and a fee invoice when helpdesk and billing are installed, so that
their portal shows bills and tickets in several states. The front desk's
invitation is accepted with the demo password. The first owner has asked
the front desk to add a family member (pending) and registered a guest for
today (a pass the gate's Check Guest Pass accepts). With the community
(whose demo part runs first), the manager of the first owner's site has
opened a second owners' meeting, record date yesterday, that the owner
votes on in the portal (Owners' votes), and this month's satisfaction
survey of the site, which the owners answer in the portal (Surveys).
With the renovations (whose demo part runs first), the first owner has
applied in the portal for the renovation of a home with no renovation
open, the documents uploaded; the office approved it, took the deposit
and issued the permit, and the building manager's patrol issued a
rectification notice (Renovation)."""

# login e-mail, password: the owners in the order of their homes
LOGINS = [
    ('owner1@demo.example', 'demo-owner-1'),
    ('owner2@demo.example', 'demo-owner-2'),
    ('owner3@demo.example', 'demo-owner-3'),
    ]


def build(pool, company, rng, log):
    WebUser = pool.get('web.user')
    Invitation = pool.get('property.portal.invitation')
    Ownership = pool.get('property.unit.ownership')
    Party = pool.get('party.party')
    if WebUser.search([('email', '=', LOGINS[0][0])], limit=1):
        log("portal demo already loaded")
        return
    today = pool.get('ir.date').today()
    ownerships = Ownership.search([
            ('unit.site.code', '=', 'GC'),
            ('unit.type', 'in', ['apartment', 'duplex']),
            ['OR', ('from_date', '=', None), ('from_date', '<=', today)],
            ['OR', ('to_date', '=', None), ('to_date', '>=', today)],
            ], order=[('unit.code', 'ASC'), ('id', 'ASC')])
    ticketed = billed = None
    try:
        Ticket = pool.get('property.ticket')
        ticketed = {t.unit.id for t in Ticket.search(
                [('unit.site.code', '=', 'GC')]) if t.unit}
    except KeyError:
        pass
    try:
        Invoice = pool.get('account.invoice')
        billed = {i.property_unit.id for i in Invoice.search([
                    ('property_site.code', '=', 'GC'),
                    ('state', 'in', ['posted', 'paid'])])
            if i.property_unit}
    except KeyError:
        pass
    owners = []
    for ownership in ownerships:
        unit, party = ownership.unit, ownership.party
        if party in owners or WebUser.search([('party', '=', party.id)]):
            continue
        if ticketed is not None and unit.id not in ticketed:
            continue
        if billed is not None and unit.id not in billed:
            continue
        owners.append(party)
        if len(owners) == len(LOGINS):
            break
    for party, (email, password) in zip(owners, LOGINS):
        Party.write([party], {'contact_mechanisms': [('create', [{
                            'type': 'email', 'value': email}])]})
        # signed up at the counter: no e-mail (the demo's machine has no
        # mail server, and the demo's addresses receive none)
        invitation, = Invitation.invite([Party(party.id)], send_email=False)
        invitation.accept(password)
        log(f"portal login {email} / {password}: {party.rec_name}, "
            f"{invitation.unit.rec_name}")

    if owners:
        requests_and_guests(pool, owners[0], log)
        open_meeting(pool, owners[0], log)
        open_survey(pool, owners[0], log)
        renovation(pool, owners[0], log)


def requests_and_guests(pool, owner, log):
    from trytond.modules.property_base.common import clock
    from .portal import home_units
    Request = pool.get('property.portal.household_request')
    Guest = pool.get('property.portal.guest')
    unit = home_units(owner)[0]
    Request.create([{'unit': unit.id, 'requested_by': owner.id,
                'requested_at': clock(), 'role': 'family', 'name': "林小雨",
                'relation': "女儿", 'phone': '13912340001'}])
    guest, = Guest.create([{'unit': unit.id, 'host': owner.id,
                'name': "陈建华", 'phone': '13712340002', 'people': 2,
                'date': pool.get('ir.date').today(), 'code': Guest.new_code(),
                'registered_at': clock()}])
    log(f"portal: a family request pending for {unit.rec_name}, "
        f"a guest pass for today G-{guest.code}")


def open_meeting(pool, owner, log):
    """The site's manager opens an owners' meeting of the owner's site,
    voted on in the portal until the manager closes it"""
    import datetime as dt

    from trytond.transaction import Transaction

    from .portal import home_units
    try:
        Assembly = pool.get('property.assembly')
    except KeyError:
        return
    User = pool.get('res.user')
    site = home_units(owner)[0].site
    today = pool.get('ir.date').today()
    managers = User.search([('login', '=', f'manager.{site.code.lower()}')])
    with Transaction().set_user(managers[0].id if managers else 0):
        assembly, = Assembly.create([{
                    'name': f"{today.year}年第二次业主大会",
                    'site': site.id,
                    'record_date': today - dt.timedelta(days=1),
                    'meeting_date': today + dt.timedelta(days=14),
                    'matters': [('create', [{
                                    'sequence': 1, 'kind': 'other',
                                    'name': "在地下车库增设电动自行车"
                                    "集中充电区",
                                    }, {
                                    'sequence': 2, 'kind': 'common_use',
                                    'name': "将2号楼架空层改为业主活动室",
                                    }])],
                    }])
        Assembly.open([assembly])
    log(f"portal: owners' meeting of {site.code} open for votes in the "
        f"portal: {assembly.name} ({assembly.electorate_heads} voters)")


def open_survey(pool, owner, log):
    """The site's manager opens this month's satisfaction survey of the
    owner's site, answered by the households in the portal"""
    import datetime as dt

    from trytond.transaction import Transaction

    from .portal import home_units
    try:
        Survey = pool.get('property.survey')
    except KeyError:
        return
    from trytond.modules.property_community.demo import SURVEY_SECTIONS
    User = pool.get('res.user')
    site = home_units(owner)[0].site
    today = pool.get('ir.date').today()
    managers = User.search([('login', '=', f'manager.{site.code.lower()}')])
    with Transaction().set_user(managers[0].id if managers else 0):
        survey, = Survey.create([{
                    'name': f"{today.year}年{today.month}月业主满意度调查"
                    "（网上问卷）",
                    'site': site.id, 'start_date': today,
                    'end_date': today + dt.timedelta(days=30),
                    'sections': [('create', [{
                                    'sequence': i, 'kind': kind,
                                    'name': name,
                                    'questions': [('create', [
                                                {'sequence': j, 'text': q}
                                                for j, q in enumerate(
                                                    questions, 1)])],
                                    } for i, (kind, name, questions, _)
                                in enumerate(SURVEY_SECTIONS[:3], 1)])],
                    }])
        Survey.open([survey])
    log(f"portal: satisfaction survey of {site.code} open for answers in "
        f"the portal: {survey.name}")


# A small picture and PDF of the documents the owner photographed
DEMO_PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01'
    b'\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00'
    b'\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00'
    b'\x00\x00\x00IEND\xaeB`\x82')
DEMO_PDF = b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n%%EOF\n'


def renovation(pool, owner, log):
    """The owner applies in the portal for the renovation of a home they
    own with no renovation open; the office works it: the manager
    approves, the finance clerk takes the deposit, the front desk issues
    the permit, the building manager's patrol finds drilling after hours
    and issues a rectification notice"""
    import datetime as dt

    from trytond.transaction import Transaction

    from .routes import owned_units
    from .routes_decoration import (
        apply_for_renovation, contractors, document_kinds)
    try:
        Application = pool.get('property.decoration.application')
    except KeyError:
        return
    from trytond.modules.property_decoration.application import OPEN_STATES
    Inspection = pool.get('property.decoration.inspection')
    Violation = pool.get('property.decoration.violation')
    Type = pool.get('property.decoration.violation.type')
    Invoice = pool.get('account.invoice')
    MoveLine = pool.get('account.move.line')
    Method = pool.get('account.invoice.payment.method')
    User = pool.get('res.user')
    today = pool.get('ir.date').today()

    class Visit:
        party = owner
    busy = {a.unit.id for a in Application.search(
            [('state', 'in', OPEN_STATES)])}
    units = [u for u in owned_units(Visit()).values() if u.id not in busy]
    companies = [c for c in contractors() if c.qualification_number]
    if not units or not companies:
        log("portal: no home of the first owner free for a renovation")
        return
    unit, contractor = units[0], companies[0]
    kinds = document_kinds(contractor)
    uploads = {kind: [('pdf', DEMO_PDF)] if kind == 'drawings'
        else [('png', DEMO_PNG)] for kind, required in kinds if required}
    site = unit.site.code.lower()
    users = {u.login: u.id for u in User.search([('login', 'in', [
                    f'manager.{site}', 'finance', f'front.desk.{site}',
                    f'building.{site}'])])}

    def as_(login):
        return Transaction().set_user(users.get(login, 0))
    application = apply_for_renovation(owner, unit, today,
        today + dt.timedelta(days=45), contractor, [
            ('floors', "客厅、卧室铺设实木复合地板 58 m²"),
            ('kitchen_bath', "厨房橱柜、卫生间洁具更换"),
            ('electrical', "")],
        "二手房翻新，不改动承重墙和外窗", kinds, uploads)
    with as_(f'manager.{site}'):
        Application.approve([Application(application.id)])
    with as_('finance'):
        invoice = Invoice(Application(application.id).deposit_invoice.id)
        method, = Method.search([('company', '=', unit.site.company.id)],
            order=[('id', 'ASC')], limit=1)
        lines = invoice.pay_invoice(invoice.amount_to_pay, method, today)
        MoveLine.reconcile(list(invoice.lines_to_pay) + lines)
        Invoice.process([invoice])
    with as_(f'front.desk.{site}'):
        Application.start([Application(application.id)])
    with as_(f'building.{site}'):
        type_, = Type.search([('code', '=', 'V27')], limit=1)
        inspection, = Inspection.create([{
                    'application': application.id,
                    'lines': [('create', [{'type': type_.id,
                                    'description': "21:10 仍在电钻施工，"
                                    "邻居投诉噪音"}])]}])
        Inspection.confirm([inspection])
        violation, = Inspection(inspection.id).violations
        Violation.notify([violation])
    application = Application(application.id)
    log(f"portal: renovation {application.number} of {unit.rec_name} "
        f"applied in the portal, permit {application.permit_number}, "
        f"{len(violation.notices)} rectification notice")
