# This file is part of the property-management suite.
"""The portal's pages at /<database>/portal/, served by trytond itself

Every page keeps to the homes the signed-in party owns or lives in now:
a record of another home answers 404, as one that does not exist."""
import datetime as dt
import os
import re
import time
from http import HTTPStatus

from trytond.exceptions import RateLimitException, UserError
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.protocols.wrappers import (
    Response, abort, set_max_request_size)
from trytond.wsgi import app

from .guest import (
    GUEST_DAYS_AHEAD, GUEST_PEOPLE_MAX, qrcode_png, read_guest_code)
from .portal import home_units
from .web import (
    HERE, LANG_COOKIE, LANGUAGES, portal_page, rollback, text)

PREFIX = '/<database_name>/portal'
# Uploads: images and PDF only, 10 MB each, 6 to a ticket (the issue's)
MAX_PHOTOS = 6
MAX_UPLOAD = 10 * 1024 * 1024
MAGIC = [
    (b'\xff\xd8\xff', 'jpg'),
    (b'\x89PNG\r\n\x1a\n', 'png'),
    (b'GIF87a', 'gif'),
    (b'GIF89a', 'gif'),
    (b'%PDF-', 'pdf'),
    ]
PASSWORD_MIN = 8
DESCRIPTION_MAX = 2000
COMMENT_MAX = 1000


def upload_type(data):
    "The file type of the uploaded bytes by their content, or None"
    for magic, extension in MAGIC:
        if data.startswith(magic):
            return extension
    if data[:4] == b'RIFF' and data[8:12] == b'WEBP':
        return 'webp'
    # HEIC/HEIF of phone cameras: an ISO box 'ftyp' with a HEIF brand
    if data[4:8] == b'ftyp' and data[8:12] in {
            b'heic', b'heix', b'mif1', b'msf1', b'hevc'}:
        return 'heic'
    return None


# -- pages without a session --------------------------------------------------

@app.route(PREFIX + '/static/portal.css', methods=['GET'])
def stylesheet(request, database_name):
    with open(os.path.join(HERE, 'static', 'portal.css'), 'rb') as fp:
        response = Response(fp.read(), content_type='text/css')
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response


@app.route(PREFIX + '/', methods=['GET'])
@portal_page(signed_in=False)
def index(visit):
    return visit.redirect('homes' if visit.user else 'signin')


@app.route(PREFIX + '/lang/<code>', methods=['GET'])
@portal_page(signed_in=False)
def language(visit, code):
    if code not in LANGUAGES:
        abort(HTTPStatus.NOT_FOUND)
    response = visit.redirect('homes' if visit.user else 'signin')
    response.set_cookie(LANG_COOKIE, code, path=visit.cookie_path,
        httponly=True, samesite='Lax', max_age=365 * 24 * 3600,
        secure=visit.request.scheme == 'https')
    return response


@app.route(PREFIX + '/signin', methods=['GET', 'POST'])
@portal_page(signed_in=False)
def signin(visit):
    pool = Pool()
    WebUser = pool.get('web.user')
    if visit.request.method == 'GET':
        if visit.user:
            return visit.redirect('homes')
        return visit.render('signin.html', title=text('signin'))
    login = visit.request.form.get('login', '')[:254].strip()
    password = visit.request.form.get('password', '')[:1024]
    if '\x00' in password:
        # no password has one (the hashing refuses it)
        password = ''
    user = WebUser.find_by_login(login)
    # an unknown login counts as a failed attempt too (web_user's delay)
    email = user.email if user else (login.lower() or '-')
    try:
        user = WebUser.authenticate(email, password) if password else None
    except RateLimitException:
        return visit.render('signin.html', status=HTTPStatus.TOO_MANY_REQUESTS,
            title=text('signin'), login=login,
            error=text('signin_throttled'))
    if not user or not user.party:
        return visit.render('signin.html', status=HTTPStatus.UNAUTHORIZED,
            title=text('signin'), login=login, error=text('signin_failed'))
    visit.set_session = user.new_session()
    return visit.redirect('homes')


@app.route(PREFIX + '/signout', methods=['POST'])
@portal_page(signed_in=False)
def signout(visit):
    Session = Pool().get('web.user.session')
    if visit.user and visit.request.form.get('everywhere'):
        # sign out everywhere: every session of the web user ends
        Session.delete(Session.search([('user', '=', visit.user.id)]))
    elif visit.session:
        Session.remove(visit.session)
    visit.set_session = ''
    return visit.redirect('signin')


@app.route(PREFIX + '/invitation', methods=['GET', 'POST'])
@portal_page(signed_in=False)
def invitation(visit):
    "The invited person sets a password with the code of the invitation"
    Invitation = Pool().get('property.portal.invitation')
    form = visit.request.form
    code = (visit.request.args.get('code') or form.get('code') or '')[:64]
    if visit.request.method == 'GET':
        return visit.render('invitation.html', title=text('invitation'),
            code=code)
    password = form.get('password', '')[:1024]
    error = None
    found = Invitation.find(code)
    if not found:
        error = text('invitation_unknown')
    elif '\x00' in password:
        error = text('password_invalid')
    elif len(password) < PASSWORD_MIN:
        error = text('password_short', length=PASSWORD_MIN)
    elif password != form.get('password2', '')[:1024]:
        error = text('password_mismatch')
    if error is None:
        try:
            found.accept(password)
        except UserError as exception:
            rollback()
            error = exception.message
    if error is not None:
        return visit.render('invitation.html',
            status=HTTPStatus.BAD_REQUEST, title=text('invitation'),
            code=code, error=error)
    return visit.render('signin.html', title=text('signin'),
        login=found.party.email or found.party.mobile or '',
        info=text('invitation_accepted'))


# -- my homes -----------------------------------------------------------------

@app.route(PREFIX + '/homes', methods=['GET'])
@portal_page()
def homes(visit):
    pool = Pool()
    Resident = pool.get('property.unit.resident')
    Request = pool.get('property.portal.household_request')
    units = home_units(visit.party)
    owned = owned_units(visit)
    households = []
    for unit in units:
        residents = [r for r in Resident.search([('unit', '=', unit.id)])
            if r.is_current]
        # the owner's requests for the home and what the office decided
        requests = Request.search([('unit', '=', unit.id),
                ('requested_by', '=', visit.party.id)], limit=20) if (
            unit.id in owned) else []
        households.append((unit, unit.id in owned, residents, requests))
    return visit.render('homes.html', title=text('homes'),
        households=households, role_labels=selection_labels(
            'property.unit.resident', 'role'),
        request_roles=selection_labels(
            'property.portal.household_request', 'role'),
        request_states=selection_labels(
            'property.portal.household_request', 'state'))


def selection_labels(model, field):
    "The labels of a selection field in the visitor's language"
    Model = Pool().get(model)
    return dict(Model.fields_get([field])[field]['selection'])


def office_time(value):
    "A stored date-time as the office's wall-clock time, to the minute"
    from trytond.modules.property_base.common import to_office
    return to_office(value).strftime('%Y-%m-%d %H:%M') if value else ''


def extra(name, type='model'):
    "The model or report of an optional module, or 404 without it"
    try:
        return Pool().get(name, type=type)
    except KeyError:
        abort(HTTPStatus.NOT_FOUND)


# -- bills (with property_billing) --------------------------------------------

def home_invoices(visit, domain=None):
    "The posted or paid fee invoices of the visitor's homes"
    Invoice = extra('account.invoice')
    units = [u.id for u in home_units(visit.party)]
    return Invoice.search([
            ('property_unit', 'in', units),
            ('type', '=', 'out'),
            ('state', 'in', ['posted', 'paid']),
            ] + (domain or []),
        order=[('invoice_date', 'DESC'), ('id', 'DESC')])


def first_or_404(records):
    "The first of the records found, or 404 (none, or not the visitor's)"
    if not records:
        abort(HTTPStatus.NOT_FOUND)
    return records[0]


def home_invoice(visit, invoice_id):
    "The fee invoice of the visitor's homes, or 404"
    return first_or_404(home_invoices(visit, [('id', '=', invoice_id)]))


@app.route(PREFIX + '/bills', methods=['GET'])
@portal_page()
def bills(visit):
    FeeNotice = extra('property.fee.notice', type='report')
    invoices = home_invoices(visit)
    open_ = [(i, FeeNotice.notice_amounts(i)) for i in invoices
        if i.state == 'posted']
    paid = [i for i in invoices if i.state == 'paid']
    from .routes_billing import prepaid_balances
    return visit.render('bills.html', title=text('bills'), open=open_,
        paid=paid, balances=prepaid_balances(visit, invoices),
        qr_data_uri=qr_data_uri)


def pdf_response(visit, report, invoice, name):
    Report = extra(report, type='report')
    oext, content, _, _ = Report.execute([invoice.id], {
            'model': 'account.invoice', 'id': invoice.id,
            'ids': [invoice.id]})
    return file_response(visit, bytes(content), 'application/pdf',
        f'{name}-{invoice.number or invoice.id}.pdf')


def file_response(visit, data, content_type, filename):
    "A file shown in the phone's browser"
    response = Response(data, content_type=content_type)
    response.headers['Content-Disposition'] = f'inline; filename="{filename}"'
    return visit.finish(response)


@app.route(PREFIX + '/bills/<int:invoice_id>/notice.pdf', methods=['GET'])
@portal_page()
def bill_notice(visit, invoice_id):
    invoice = home_invoice(visit, invoice_id)
    return pdf_response(visit, 'property.fee.notice', invoice, 'notice')


# the first print of a receipt numbers it: a writing transaction
@app.route(PREFIX + '/bills/<int:invoice_id>/receipt.pdf', methods=['GET'])
@portal_page(readonly=False)
def bill_receipt(visit, invoice_id):
    invoice = home_invoice(visit, invoice_id)
    if not invoice.payment_lines:
        abort(HTTPStatus.NOT_FOUND)
    return pdf_response(visit, 'property.invoice.receipt', invoice,
        'receipt')


# -- problems reported (with property_helpdesk) -------------------------------

def home_sites(visit):
    "The sites of the visitor's homes, whose common areas they report on"
    return sorted({u.site for u in home_units(visit.party)},
        key=lambda s: s.id)


def home_tickets(visit, domain=None):
    """The tickets of the visitor's homes, and those they reported on the
    common areas of their homes' sites (not a neighbour's)"""
    Ticket = extra('property.ticket')
    units = [u.id for u in home_units(visit.party)]
    sites = [s.id for s in home_sites(visit)]
    return Ticket.search([['OR',
                ('unit', 'in', units),
                [('unit', '=', None), ('site', 'in', sites),
                    ('reporter', '=', visit.party.id)],
                ]] + (domain or []),
        order=[('received_at', 'DESC'), ('id', 'DESC')])


def home_ticket(visit, ticket_id):
    "The ticket of the visitor's homes, or 404"
    return first_or_404(home_tickets(visit, [('id', '=', ticket_id)]))


def ticket_labels():
    return {name: selection_labels('property.ticket', name)
        for name in ['state', 'kind']}


@app.route(PREFIX + '/tickets', methods=['GET'])
@portal_page()
def tickets(visit):
    return visit.render('tickets.html', title=text('tickets'),
        tickets=home_tickets(visit), labels=ticket_labels(),
        office_time=office_time)


def ticket_form(visit, status=HTTPStatus.OK, error=None, values=None):
    Category = extra('property.ticket.category')
    return visit.render('ticket_new.html', status=status,
        title=text('ticket_new'), error=error, values=values or {},
        units=home_units(visit.party), sites=home_sites(visit),
        categories=Category.search([]),
        kinds=extra('property.ticket').fields_get(['kind'])['kind'][
            'selection'], max_photos=MAX_PHOTOS)


@app.route(PREFIX + '/tickets/new', methods=['GET', 'POST'])
@set_max_request_size(MAX_PHOTOS * MAX_UPLOAD + 2 ** 20)
@portal_page()
def ticket_new(visit):
    pool = Pool()
    Ticket = extra('property.ticket')
    Category = pool.get('property.ticket.category')
    Attachment = pool.get('ir.attachment')
    if visit.request.method == 'GET':
        return ticket_form(visit)
    form = visit.request.form
    values = {k: form.get(k, '')[:DESCRIPTION_MAX + 1]
        for k in ['unit', 'kind', 'category', 'description']}

    def refuse(message):
        rollback()
        return ticket_form(visit, HTTPStatus.BAD_REQUEST, message, values)

    # the place: one of the visitor's homes, or the common areas of the
    # site of one of them ("site-<id>")
    places = {str(u.id): (u.site, u) for u in home_units(visit.party)}
    places.update({f'site-{s.id}': (s, None) for s in home_sites(visit)})
    site, unit = places.get(values['unit'], (None, None))
    if site is None:
        return refuse(text('ticket_unit_required'))
    kinds = dict(Ticket.fields_get(['kind'])['kind']['selection'])
    if values['kind'] not in kinds:
        return refuse(text('ticket_kind_required'))
    if unit is None and values['kind'] == 'repair_unit':
        return refuse(text('ticket_common_area_kind'))
    categories = Category.search([('id', '=', int(values['category']))]
        if values['category'].isdecimal() and len(values['category']) < 10
        else [('id', '=', -1)])
    if not categories:
        return refuse(text('ticket_category_required'))
    description = values['description'].replace('\x00', '').strip()
    if not description:
        return refuse(text('ticket_description_required'))
    if len(description) > DESCRIPTION_MAX:
        return refuse(text('ticket_description_long',
                length=DESCRIPTION_MAX))
    photos = []
    for upload in visit.request.files.getlist('photos'):
        if not upload.filename and not upload.content_length:
            data = upload.read(1)
            if not data:
                continue  # an empty file input
            data += upload.read(MAX_UPLOAD)
        else:
            data = upload.read(MAX_UPLOAD + 1)
        if not data:
            continue
        if len(photos) >= MAX_PHOTOS:
            return refuse(text('photos_too_many', count=MAX_PHOTOS))
        if len(data) > MAX_UPLOAD:
            return refuse(text('photo_too_big', size=MAX_UPLOAD // 2 ** 20))
        extension = upload_type(data)
        if extension is None:
            return refuse(text('photo_wrong_type'))
        photos.append((extension, data))
    values_ = {
        'company': site.company.id,
        'site': site.id,
        'unit': unit.id if unit else None,
        'reporter': visit.party.id,
        'contact_phone': visit.party.mobile or visit.party.phone or None,
        'channel': 'app',
        'kind': values['kind'],
        'category': categories[0].id,
        'description': description,
        }
    if values['kind'] == 'complaint':
        # what kind of complaint it is, the office decides on opening it;
        # told by an owner, it is taken as effective until then
        values_['complaint_type'] = 'effective'
    try:
        ticket, = Ticket.create([values_])
        Attachment.create([{
                    'resource': str(ticket),
                    'name': f'photo-{n}.{extension}',
                    'data': data,
                    'type': 'data',
                    } for n, (extension, data) in enumerate(photos, 1)])
        # taken as one by phone: the same deadlines and escalation
        Ticket.open([ticket])
    except (UserError, ValidationError) as exception:
        return refuse(exception.message)
    return visit.redirect(f'tickets/{ticket.id}')


def ticket_attachments(ticket):
    Attachment = Pool().get('ir.attachment')
    return Attachment.search([('resource', '=', str(ticket))],
        order=[('id', 'ASC')])


@app.route(PREFIX + '/tickets/<int:ticket_id>', methods=['GET'])
@portal_page()
def ticket(visit, ticket_id):
    ticket = home_ticket(visit, ticket_id)
    appointments = sorted(w.appointment_at for w in ticket.work_orders
        if w.appointment_at and w.state != 'cancelled')
    return visit.render('ticket.html', title=ticket.number or '',
        ticket=ticket, labels=ticket_labels(), office_time=office_time,
        appointment=office_time(appointments[-1]) if appointments else '',
        attachments=ticket_attachments(ticket),
        rated=any(v.method == 'app' for v in ticket.visits))


@app.route(PREFIX + '/tickets/<int:ticket_id>/attachments/<int:attachment_id>',
    methods=['GET'])
@portal_page()
def ticket_attachment(visit, ticket_id, attachment_id):
    ticket = home_ticket(visit, ticket_id)
    attachment = first_or_404([a for a in ticket_attachments(ticket)
            if a.id == attachment_id])
    data = bytes(attachment.data or b'')
    extension = upload_type(data)
    content_type = {'jpg': 'image/jpeg', 'png': 'image/png',
        'gif': 'image/gif', 'webp': 'image/webp', 'heic': 'image/heic',
        'pdf': 'application/pdf'}.get(extension, 'application/octet-stream')
    return file_response(visit, data, content_type,
        f'{attachment.id}.{extension or "bin"}')


@app.route(PREFIX + '/tickets/<int:ticket_id>/rate', methods=['POST'])
@portal_page()
def ticket_rate(visit, ticket_id):
    """The owner confirms the resolved job and rates it: the return visit
    of the office, by the method App"""
    Visit = extra('property.return_visit')
    ticket = home_ticket(visit, ticket_id)
    form = visit.request.form
    satisfaction = form.get('satisfaction', '')[:2]
    comment = form.get('comment', '')[:COMMENT_MAX + 1].replace(
        '\x00', '').strip()
    error = None
    if ticket.state != 'resolved':
        error = text('rate_not_resolved')
    elif satisfaction not in {'1', '2', '3', '4', '5'}:
        error = text('rate_satisfaction_required')
    elif len(comment) > COMMENT_MAX:
        error = text('rate_comment_long', length=COMMENT_MAX)
    if error is None:
        try:
            Visit.create([{'ticket': ticket.id, 'method': 'app',
                        'satisfaction': int(satisfaction),
                        'comments': comment or None,
                        }])
        except (UserError, ValidationError) as exception:
            error = exception.message
    if error is not None:
        rollback()
        ticket = home_ticket(visit, ticket_id)
        return visit.render('ticket.html', status=HTTPStatus.BAD_REQUEST,
            title=ticket.number or '', ticket=ticket, labels=ticket_labels(),
            office_time=office_time, appointment='', error=error,
            attachments=ticket_attachments(ticket),
            rated=any(v.method == 'app' for v in ticket.visits))
    return visit.redirect(f'tickets/{ticket.id}')


# -- password reset by e-mail -------------------------------------------------

# Requests for a reset link count as attempts of their own (not sign-in
# failures) under this prefix of web_user's attempts, per login typed
RESET_ATTEMPT_PREFIX = 'portal-reset:'


def reset_link_base(visit):
    """The address of the reset page for the e-mail: the server's host name
    when the configuration names it ([web] hostname), else the host the
    owner's phone asked (as Tryton builds its own links)"""
    from trytond import config
    hostname = config.get('web', 'hostname')
    scheme = visit.request.scheme
    host = hostname or visit.request.host
    return f'{scheme}://{host}{visit.url("reset")}'


@app.route(PREFIX + '/forgot', methods=['GET', 'POST'])
@portal_page(signed_in=False, readonly=False)
def forgot(visit):
    """Forgot password: an e-mail with a one-time link to set a new one
    (web_user's reset token); the page answers the same whether the login
    is known or not, and is throttled per login as the sign-in is"""
    from trytond import config
    from trytond.transaction import Transaction
    pool = Pool()
    WebUser = pool.get('web.user')
    Attempt = pool.get('web.user.authenticate.attempt')
    if visit.request.method == 'GET':
        return visit.render('forgot.html', title=text('forgot'))
    login = visit.request.form.get('login', '')[:254].strip()
    if not login or '\x00' in login:
        return visit.render('forgot.html', status=HTTPStatus.BAD_REQUEST,
            title=text('forgot'), error=text('forgot_login_required'))
    key = RESET_ATTEMPT_PREFIX + login.lower()
    count = Attempt.count(key)
    if (count >= config.getint('session', 'max_attempt', default=5)
            or Attempt.count_ip() > config.getint(
                'session', 'max_attempt_ip_network', default=300)):
        return visit.render('forgot.html',
            status=HTTPStatus.TOO_MANY_REQUESTS, title=text('forgot'),
            login=login, error=text('forgot_throttled'))
    Attempt.add(key)
    # each further request of the login waits longer (as web_user's sign-in)
    Transaction().atexit(time.sleep, 2 ** count - 1)
    user = WebUser.find_by_login(login)
    if user and user.party and user.active and user.can_receive_email:
        with Transaction().set_context(
                portal_reset_url=reset_link_base(visit)):
            WebUser.reset_password([user])
    return visit.render('forgot.html', title=text('forgot'),
        info=text('forgot_sent'))


@app.route(PREFIX + '/reset', methods=['GET', 'POST'])
@portal_page(signed_in=False, readonly=False)
def reset(visit):
    "The page of the e-mail's link: a new password, once, before it expires"
    pool = Pool()
    WebUser = pool.get('web.user')
    User = pool.get('res.user')
    form = visit.request.form
    source = visit.request.args if visit.request.method == 'GET' else form
    token = source.get('token', '')[:128]
    email = source.get('email', '')[:254]
    if visit.request.method == 'GET':
        return visit.render('reset.html', title=text('reset'), token=token,
            email=email)
    password = form.get('password', '')[:1024]
    error = None
    if '\x00' in password or '\x00' in token or '\x00' in email:
        error = text('password_invalid')
    elif len(password) < PASSWORD_MIN:
        error = text('password_short', length=PASSWORD_MIN)
    elif password != form.get('password2', '')[:1024]:
        error = text('password_mismatch')
    if error is None:
        users = WebUser.search([('email', '=', email.lower())], limit=1)
        try:
            # Tryton's rules for passwords, as for the invitation
            User.validate_password(password, users)
        except UserError as exception:
            error = exception.message
    if error is None:
        # web_user's check: the token of the e-mail, unexpired; it is
        # cleared by the first try, right or wrong
        if not (token and email
                and WebUser.set_password_token(email, token, password)):
            error = text('reset_link_invalid')
        else:
            # a new password signs out the sessions opened with the old one
            Session = pool.get('web.user.session')
            Session.delete(Session.search([('user', 'in', users)]))
    if error is not None:
        return visit.render('reset.html', status=HTTPStatus.BAD_REQUEST,
            title=text('reset'), token=token, email=email, error=error)
    return visit.render('signin.html', title=text('signin'),
        info=text('reset_done'))


# -- my homes: family members and tenants --------------------------------------

NAME_MAX = 100
RELATION_MAX = 50
PHONE_PATTERN = re.compile(r'^\+?[0-9][0-9 -]{4,24}$')


def owned_units(visit):
    "The homes the visitor owns (a share) now: those they may ask for"
    Ownership = Pool().get('property.unit.ownership')
    today = Pool().get('ir.date').today()
    return {o.unit.id: o.unit for o in Ownership.search([
                ('party', '=', visit.party.id),
                ['OR', ('from_date', '=', None), ('from_date', '<=', today)],
                ['OR', ('to_date', '=', None), ('to_date', '>=', today)],
                ])}


def form_text(visit, name, limit):
    "A text of the form, cleaned, up to one character over its limit"
    return (visit.request.form.get(name, '')[:limit + 1]
        .replace('\x00', '').strip())


def form_date(value):
    "The date of an ISO value of a date input, or None"
    if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', value or ''):
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return date if 1900 <= date.year <= 2200 else None


def request_form(visit, unit, status=HTTPStatus.OK, error=None, values=None):
    return visit.render('household_request.html', status=status,
        title=text('request_new'), unit=unit, error=error,
        values=values or {}, roles=selection_labels(
            'property.portal.household_request', 'role'))


@app.route(PREFIX + '/homes/<int:unit_id>/request', methods=['GET', 'POST'])
@portal_page()
def household_request(visit, unit_id):
    """An owner asks the front desk to add a family member or a tenant to
    the household of a home they own (a resident who is not an owner
    gets 404)"""
    from .portal import clock
    Request = Pool().get('property.portal.household_request')
    unit = owned_units(visit).get(unit_id)
    if unit is None:
        abort(HTTPStatus.NOT_FOUND)
    if visit.request.method == 'GET':
        return request_form(visit, unit)
    values = {name: form_text(visit, name, limit) for name, limit in [
            ('role', 10), ('name', NAME_MAX), ('phone', 30),
            ('relation', RELATION_MAX), ('from_date', 10),
            ('to_date', 10)]}

    def refuse(message):
        rollback()
        return request_form(visit, unit, HTTPStatus.BAD_REQUEST, message,
            values)

    if values['role'] not in {'family', 'tenant'}:
        return refuse(text('request_role_required'))
    if not values['name']:
        return refuse(text('request_name_required'))
    if len(values['name']) > NAME_MAX:
        return refuse(text('text_long', length=NAME_MAX))
    if len(values['relation']) > RELATION_MAX:
        return refuse(text('text_long', length=RELATION_MAX))
    if values['phone'] and not PHONE_PATTERN.match(values['phone']):
        return refuse(text('phone_invalid'))
    if values['role'] == 'tenant' and not values['phone']:
        return refuse(text('request_tenant_phone'))
    dates = {}
    for name in ['from_date', 'to_date']:
        dates[name] = form_date(values[name])
        if values[name] and dates[name] is None:
            return refuse(text('date_invalid'))
    try:
        Request.create([{
                    'unit': unit.id,
                    'requested_by': visit.party.id,
                    'requested_at': clock(),
                    'role': values['role'],
                    'name': values['name'],
                    'phone': values['phone'] or None,
                    'relation': values['relation'] or None,
                    **dates,
                    }])
    except (UserError, ValidationError) as exception:
        return refuse(exception.message)
    return visit.redirect('homes')


# -- visitors: guest passes ---------------------------------------------------

def guest_form(visit, status=HTTPStatus.OK, error=None, values=None):
    Date = Pool().get('ir.date')
    Guest = Pool().get('property.portal.guest')
    today = Date.today()
    guests = Guest.search([('host', '=', visit.party.id),
            ('unit', 'in', [u.id for u in home_units(visit.party)]),
            ('date', '>=', today)], order=[('date', 'ASC'), ('id', 'ASC')])
    return visit.render('guests.html', status=status, title=text('guests'),
        error=error, values=values or {'date': today.isoformat(),
            'people': '1'},
        units=home_units(visit.party), guests=guests, today=today,
        last=today + dt.timedelta(days=GUEST_DAYS_AHEAD),
        people_max=GUEST_PEOPLE_MAX)


@app.route(PREFIX + '/guests', methods=['GET', 'POST'])
@portal_page()
def guests(visit):
    "An owner or a resident registers a guest for a day: a QR pass"
    from .portal import clock
    pool = Pool()
    Guest = pool.get('property.portal.guest')
    Date = pool.get('ir.date')
    if visit.request.method == 'GET':
        return guest_form(visit)
    values = {name: form_text(visit, name, limit) for name, limit in [
            ('unit', 12), ('name', NAME_MAX), ('phone', 30),
            ('people', 3), ('date', 10)]}

    def refuse(message):
        rollback()
        return guest_form(visit, HTTPStatus.BAD_REQUEST, message, values)

    units = {str(u.id): u for u in home_units(visit.party)}
    unit = units.get(values['unit'])
    if unit is None:
        return refuse(text('ticket_unit_required'))
    if not values['name']:
        return refuse(text('guest_name_required'))
    if len(values['name']) > NAME_MAX:
        return refuse(text('text_long', length=NAME_MAX))
    if values['phone'] and not PHONE_PATTERN.match(values['phone']):
        return refuse(text('phone_invalid'))
    people = values['people']
    if not (people.isascii() and people.isdigit()
            and 1 <= int(people) <= GUEST_PEOPLE_MAX):
        return refuse(text('guest_people', count=GUEST_PEOPLE_MAX))
    today = Date.today()
    date = form_date(values['date'])
    if date is None or not (
            today <= date <= today + dt.timedelta(days=GUEST_DAYS_AHEAD)):
        return refuse(text('guest_date', days=GUEST_DAYS_AHEAD))
    try:
        guest, = Guest.create([{
                    'unit': unit.id,
                    'host': visit.party.id,
                    'name': values['name'],
                    'phone': values['phone'] or None,
                    'people': int(people),
                    'date': date,
                    'code': Guest.new_code(),
                    'registered_at': clock(),
                    }])
    except (UserError, ValidationError) as exception:
        return refuse(exception.message)
    return visit.redirect(f'guests/{guest.id}')


def qr_data_uri(text_):
    import base64
    return 'data:image/png;base64,' + base64.b64encode(
        qrcode_png(text_)).decode('ascii')


@app.route(PREFIX + '/guests/<int:guest_id>', methods=['GET'])
@portal_page()
def guest(visit, guest_id):
    "The guest's pass: the QR code, and the link to send to the guest"
    Guest = Pool().get('property.portal.guest')
    guest = first_or_404(Guest.search([('id', '=', guest_id),
                ('host', '=', visit.party.id),
                ('unit', 'in', [u.id for u in home_units(visit.party)])]))
    link = f'{visit.request.host_url.rstrip("/")}{visit.url("pass/" + guest.code)}'
    return visit.render('guest.html', title=text('guest_pass'), guest=guest,
        qr=qr_data_uri(guest.qr_text), link=link)


@app.route(PREFIX + '/pass/<code>', methods=['GET'])
@portal_page(signed_in=False)
def guest_pass(visit, code):
    """The pass as the guest opens it from the link (no sign-in: the code
    of the link is the pass itself)"""
    Guest = Pool().get('property.portal.guest')
    code = read_guest_code(code)
    guests = Guest.search([('code', '=', code)], limit=1) if (
        0 < len(code) <= 64) else []
    guest = first_or_404(guests)
    return visit.render('pass.html', title=text('guest_pass'), guest=guest,
        qr=qr_data_uri(guest.qr_text))
