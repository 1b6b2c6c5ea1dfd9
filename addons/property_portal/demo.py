# This file is part of the property-management suite.
"""Demo part of the owners' portal: three owners of Garden Court with
portal logins (README, "Portal logins of the demo").

Called by scripts/demo.py with the demo company in the context. The owners
are those of the first homes of Garden Court (by code) that have a repair
ticket and a fee invoice when helpdesk and billing are installed, so that
their portal shows bills and tickets in several states. The front desk's
invitation is accepted with the demo password."""

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
        invitation, = Invitation.invite([Party(party.id)])
        invitation.accept(password)
        log(f"portal login {email} / {password}: {party.rec_name}, "
            f"{invitation.unit.rec_name}")
