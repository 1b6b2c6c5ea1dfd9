#!/usr/bin/env python3
"""Portal: 1,000 owners on their phones against gunicorn (issue 22)

    .venv/bin/python bench/portal.py [--owners 1000] [--duration 300]
        [--think 30] [--signin-share 2] [--workers 2]

Starts a private PostgreSQL cluster (scripts/pgcluster.sh), activates
property_portal with billing and helpdesk in a new database and builds,
in committed transactions: a company with its chart and fee types, one
site, its first home and owner through the ORM (the owner invited by
Tryton's path and the invitation accepted with a password, two tickets
opened by phone), then --owners - 1 more homes as copies of the first
one's rows with COPY (owner, address, e-mail, home, ownership, portal
user with the same password hash, accepted invitation, two tickets), a
billing run of the month over every home (billing's set-wise path), and
ANALYZE, and a portal session for each owner's web user opened by
web_user's own API (`new_session`, what the sign-in form calls; the
session lasts 30 days): the owners come back signed in, with the cookie
the sign-in set. With --profile-notice, one fee notice is rendered in
this (warm) process, timed and profiled (Tryton and its queries, Genshi, WeasyPrint's HTML and
CSS, layout, drawing, the fonts embedded), and WeasyPrint alone on its
HTML with a font configuration per document (as before) and with the
thread's kept one (printing.pdf_from_html), in turns.

It then serves the database with trytond's WSGI application
(`trytond.application:app`) under gunicorn with --workers processes on a
free loopback port, warms each process up (every page once, as one
owner), and runs one thread per owner for --duration seconds: each owner
acts after an exponential think time of --think seconds on average (the
first action too, so the actions are spread from the start): a fresh
sign-in for --signin-share % of the actions (the sign-in page, then the
form: Argon2 password check, as on a new phone), else the Bills page
(30 %), a bill's fee notice PDF (5 %), the problems list (30 %), a
ticket's page (30 %) or a new ticket with a photo (5 %: the form's page,
then a multipart POST with a 4 kB JPEG; answered by a redirect to the
new ticket). Each answer is checked (status, and its content: the
owner's bill on the Bills page, a PDF, the ticket's number).

Printed: p50 / p95 / p99 per page and overall (with and without the
sign-in), requests/s, errors, and lost tickets: the tickets the clients
got a success answer for against the rows of the database with channel
App (and their photo attachments); the load average at the start, just
before the load and during it, and the CPU seconds of the gunicorn
processes, of PostgreSQL, of this client and of the machine's other
processes during the load (a loaded machine is told from an idle one).
Goal: p95 < 300 ms, 0 errors, 0 lost tickets.

Every process it starts (the gunicorn group, the cluster) is stopped at
the end, also on an error, Ctrl-C or SIGTERM. Nothing of it runs in the
test suite.
"""
import argparse
import datetime as dt
import http.client
import io
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal

import billing  # the set-wise copy of rows (bench/billing.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, '.venv', 'bin')
DATABASE = 'bench_portal'
billing.DATABASE = DATABASE  # its committed() transactions are ours
PASSWORD = 'bench-Pa55word'
TICKETS_PER_OWNER = 2
ALONE = 10  # requests of each page alone, before the load
# what an owner does after signing in: page, share of the actions
ACTIONS = [('bills', 30), ('notice.pdf', 5), ('tickets', 30),
    ('ticket', 30), ('new ticket', 5)]


def email(i):
    return f'owner{i}@bench.example'


# -- the data ---------------------------------------------------------------

def build_first(company_id, fee_types, owners):
    """The site, its buildings (120 homes each), the property fee, and the
    first home with its owner invited and signed up, two tickets of the
    home opened by phone, a repair category"""
    from trytond.modules.company.tests import create_employee, set_company
    from trytond.pool import Pool
    pool = Pool()
    Company = pool.get('company.company')
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Assignment = pool.get('property.fee.assignment')
    Party = pool.get('party.party')
    Unit = pool.get('property.unit')
    Invitation = pool.get('property.portal.invitation')
    Department = pool.get('property.department')
    Category = pool.get('property.ticket.category')
    Ticket = pool.get('property.ticket')
    company = Company(company_id)
    start = billing.month()
    since = start - dt.timedelta(days=400)
    with set_company(company):
        site, = Site.create([{'name': "Bench Portal Garden", 'code': 'BP',
                    'company': company.id}])
        buildings = Building.create([{'site': site.id, 'code': str(i + 1),
                    'name': f"Building {i + 1}", 'floors': 30}
                for i in range((owners + 119) // 120)])
        Assignment.create([{'fee_type': fee_types['PF'], 'site': site.id,
                    'rate': Decimal('1.85'),
                    'start_date': start.replace(year=start.year - 1)}])
        owner, = Party.create([{'name': "Owner 0",
                    'addresses': [('create', [{'street': "BP 0",
                                    'city': "Bench"}])],
                    'contact_mechanisms': [('create', [{'type': 'email',
                                    'value': email(0)}])]}])
        unit, = Unit.create([{'building': buildings[0].id, 'floor': 1,
                    'number': '101', 'area': Decimal('60.35'),
                    'ownerships': [('create', [{'party': owner.id,
                                    'from_date': since}])]}])
        Unit.hand_over([unit], since)
        Unit.occupy([unit])
        # signed up at once: no invitation e-mail (no mail server here)
        invitation, = Invitation.invite([owner], send_email=False)
        invitation.accept(PASSWORD)
        technician = create_employee(company, "Bench Plumber")
        department, = Department.create([{'name': "Bench engineering",
                    'company': company.id,
                    'employees': [('add', [technician.id])]}])
        category, = Category.create([{'name': "Plumbing", 'code': 'BPL',
                    'department': department.id}])
        tickets = Ticket.create([{'company': company.id, 'site': site.id,
                    'unit': unit.id, 'reporter': owner.id,
                    'channel': 'phone', 'kind': 'repair_unit',
                    'category': category.id,
                    'description': f"Kitchen tap dripping ({k + 1})"}
                for k in range(TICKETS_PER_OWNER)])
        Ticket.open(tickets)
    return {'site': site.id, 'buildings': [b.id for b in buildings],
        'party': owner.id, 'unit': unit.id, 'invitation': invitation.id,
        'web_user': invitation.web_user.id, 'category': category.id,
        'tickets': [t.id for t in tickets],
        'contact': owner.contact_mechanisms[0].id,
        'address': owner.addresses[0].id,
        'ownership': unit.ownerships[0].id}


def clone_owners(first, owners):
    """Homes 1..owners-1 as copies of the first one's rows (COPY), each
    with its own keys, names, e-mail, codes and numbers"""
    from trytond.pool import Pool
    pool = Pool()
    Ticket = pool.get('property.ticket')
    Invitation = pool.get('property.portal.invitation')
    clone = billing._clone
    numbers = range(1, owners)
    template = Ticket(first['tickets'][0])
    party_ids = clone('party_party', first['party'], [
            {'name': f"Owner {i}", 'code': f'BP-{i}'} for i in numbers])
    clone('party_address', first['address'], [
            {'party': p, 'street': f"BP {i}"}
            for i, p in zip(numbers, party_ids)])
    clone('party_contact_mechanism', first['contact'], [
            {'party': p, 'value': email(i), 'value_compact': email(i),
                'email': email(i)}
            for i, p in zip(numbers, party_ids)])
    units = []
    for i in numbers:
        building, rest = divmod(i, 120)
        floor, door = divmod(rest, 4)
        number = f'{floor + 1}{door + 1:02d}'
        units.append({'building': first['buildings'][building],
                'floor': floor + 1, 'number': number,
                'code': f'{building + 1}-{number}',
                'area': Decimal(60 + i % 90) + Decimal('0.35')})
    unit_ids = clone('property_unit', first['unit'], units)
    clone('property_unit_ownership', first['ownership'], [
            {'unit': u, 'party': p} for u, p in zip(unit_ids, party_ids)])
    user_ids = clone('web_user', first['web_user'], [
            {'email': email(i), 'party': p}
            for i, p in zip(numbers, party_ids)])
    clone('property_portal_invitation', first['invitation'], [
            {'party': p, 'unit': u, 'web_user': w,
                'code': Invitation.new_code()}
            for p, u, w in zip(party_ids, unit_ids, user_ids)])
    for k, ticket_id in enumerate(first['tickets']):
        clone('property_ticket', ticket_id, [
                {'unit': u, 'reporter': p,
                    'number': f'{template.number}-{i}-{k}'}
                for i, u, p in zip(numbers, unit_ids, party_ids)])
    return len(unit_ids)


def bill_month(company_id, site_id):
    "The month's billing run of the site, processed in this transaction"
    from trytond.modules.property_billing.tests.tools import bill
    from trytond.pool import Pool
    Run = Pool().get('property.billing.run')
    run, = Run.create([{'company': company_id, 'site': site_id,
                'month': billing.month(), 'invoice_date': billing.month()}])
    run = bill(run)
    return run.id


def open_sessions():
    """A portal session per owner's web user, opened by web_user's own
    API (`web.user.new_session`, what the sign-in form calls): the key of
    the cookie the sign-in would have set, by e-mail. Sessions last 30
    days (`[session] web_timeout`), so most owners come back signed in."""
    from trytond.pool import Pool
    WebUser = Pool().get('web.user')
    return {u.email: u.new_session() for u in WebUser.search([
                ('email', 'like', 'owner%@bench.example')])}


def owners_env(site_id):
    """Per owner (by number): the e-mail, the fee invoice, the tickets"""
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Invoice = pool.get('account.invoice')
    Ticket = pool.get('property.ticket')
    Unit = pool.get('property.unit')
    number = {p.id: int(p.name.split()[-1]) for p in Party.search([
                ('name', 'like', 'Owner %')])}
    invoices = {number[i.party.id]: i.id for i in Invoice.search([
                ('type', '=', 'out'), ('state', '=', 'posted')])}
    units = {u.id: number[u.ownerships[0].party.id]
        for u in Unit.search([('site', '=', site_id)])}
    tickets = {}
    for ticket in Ticket.search([('site', '=', site_id)]):
        tickets.setdefault(units[ticket.unit.id], []).append(
            (ticket.id, ticket.number))
    unit_of = {n: u for u, n in units.items()}
    return [{'email': email(i), 'invoice': invoices[i], 'unit': unit_of[i],
            'tickets': tickets[i]} for i in range(len(number))]


def build(owners):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.tests.test_tryton import activate_module
    t0 = time.monotonic()
    activate_module(['property_portal', 'property_billing',
            'property_helpdesk'])
    print(f"  activated in {time.monotonic() - t0:.0f} s", flush=True)
    t = time.monotonic()
    company_id, fee_types = billing.committed(billing.setup_company, 500)
    first = billing.committed(build_first, company_id, fee_types, owners)
    billing.committed(clone_owners, first, owners)
    print(f"  {owners:,} owners, homes, portal users and "
        f"{owners * TICKETS_PER_OWNER:,} tickets in "
        f"{time.monotonic() - t:.0f} s", flush=True)
    t = time.monotonic()
    billing.committed(bill_month, company_id, first['site'])
    print(f"  billing run of {owners:,} homes in "
        f"{time.monotonic() - t:.0f} s", flush=True)
    with Transaction().start(DATABASE, 0, context={}) as transaction:
        transaction.connection.cursor().execute('ANALYZE')
    env = billing.committed(owners_env, first['site'])
    assert len(env) == owners, len(env)
    t = time.monotonic()
    sessions = billing.committed(open_sessions)
    for owner in env:
        owner['session'] = sessions[owner['email']]
    print(f"  {len(sessions):,} sessions opened in "
        f"{time.monotonic() - t:.0f} s", flush=True)

    def app_tickets():
        return Pool().get('property.ticket').search_count(
            [('channel', '=', 'app')])
    return {'owners': env, 'category': first['category'],
        'app_before': billing.committed(app_tickets)}


def check_tickets(ids):
    """The acknowledged tickets found in the database, the rows with
    channel App, and the photos attached to the acknowledged ones"""
    from trytond.pool import Pool

    def count():
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Attachment = pool.get('ir.attachment')
        found = Ticket.search_count([('id', 'in', ids),
                ('channel', '=', 'app')]) if ids else 0
        rows = Ticket.search_count([('channel', '=', 'app')])
        photos = Attachment.search_count([('resource', 'in',
                    [f'property.ticket,{i}' for i in ids])]) if ids else 0
        return found, rows, photos
    return billing.committed(count)


# where a fee notice's CPU goes: the categories of the code, by file
PROFILE_PARTS = [
    ('Genshi (the template)', ('/genshi/', '.html')),
    ('Tryton: records, queries, report (trytond, SQL, psycopg2)', (
            '/trytond/', '/sql/', '/psycopg2/', '/addons/property_')),
    ('WeasyPrint: HTML and CSS (html5lib, tinycss2, cssselect2, style)', (
            '/html5lib/', '/tinycss2/', '/cssselect2/', '/webencodings/',
            '/weasyprint/css/', '/weasyprint/html', '/weasyprint/urls',
            '/weasyprint/document')),
    ('WeasyPrint: layout and text (Pango shaping, fonts found)', (
            '/weasyprint/layout/', '/weasyprint/text/',
            '/weasyprint/formatting_structure/', '/cffi/')),
    ('WeasyPrint: drawing and writing the PDF (pydyf, images)', (
            '/weasyprint/draw', '/weasyprint/pdf/__init__',
            '/weasyprint/pdf/stream', '/weasyprint/pdf/metadata',
            '/weasyprint/images', '/pydyf/', '/PIL/', '/qrcode/',
            '/weasyprint/svg/', '/weasyprint/matrix',
            '/weasyprint/pdf/anchors')),
    ('fonts embedded in the PDF (HarfBuzz subsetting, font file copied)', (
            '/fontTools/', '/weasyprint/pdf/fonts')),
    ('C functions called from Python (zlib compressing the PDF, ...)', (
            '~',)),
]


def profile_notice(invoice_id, repeat=5):
    """One fee notice rendered as the portal renders it (the report's
    execute, as root with the company), in this warm process: its CPU
    time, and the CPU by part of the code (cProfile's own time of each
    function, by file)"""
    import cProfile
    import pstats

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Notice = pool.get('property.fee.notice', type='report')
    invoice = Invoice(invoice_id)
    data = {'model': 'account.invoice', 'id': invoice_id,
        'ids': [invoice_id]}
    with Transaction().set_context(company=invoice.company.id):
        for _ in range(2):  # warm: the pool, the template, the fonts
            Notice.execute([invoice_id], data)
        times = []
        for _ in range(repeat):
            start = time.process_time()
            Notice.execute([invoice_id], data)
            times.append(time.process_time() - start)
        profile = cProfile.Profile()
        profile.enable()
        Notice.execute([invoice_id], data)
        profile.disable()
    stats = pstats.Stats(profile).stats
    parts = {name: 0.0 for name, _ in PROFILE_PARTS}
    parts['other (Python, C libraries)'] = 0.0
    tops = {}
    for (filename, line, function), (_, _, tottime, _, _) in stats.items():
        for name, paths in PROFILE_PARTS:
            if any(p in filename for p in paths):
                parts[name] += tottime
                break
        else:
            parts['other (Python, C libraries)'] += tottime
        key = f'{filename.rsplit("site-packages/", 1)[-1]}:{function}'
        tops[key] = tops.get(key, 0) + tottime
        # WeasyPrint alone on the notice's HTML: as before (a font
        # configuration made for each document, WeasyPrint's default) and
        # as now (the thread's, kept: printing.pdf_from_html), in turns
        import weasyprint

        from trytond.modules.property_base.printing import pdf_from_html
        ActionReport = pool.get('ir.action.report')
        action, = ActionReport.search([
                ('report_name', '=', 'property.fee.notice')])
        records = Notice._get_records([invoice_id], 'account.invoice', data)
        html = Notice.render_html(records, {'company': invoice.company},
            data, action)
        before, after = [], []
        for _ in range(repeat):
            start = time.process_time()
            old = weasyprint.HTML(string=html,
                url_fetcher=weasyprint.URLFetcher(
                    allowed_protocols={'http', 'https', 'data'}),
                ).write_pdf()
            before.append(time.process_time() - start)
            start = time.process_time()
            new = pdf_from_html(html)
            after.append(time.process_time() - start)
        assert old.startswith(b'%PDF') and new.startswith(b'%PDF')
    return {'cpu': sorted(times)[len(times) // 2], 'parts': parts,
        'top': sorted(tops.items(), key=lambda x: -x[1])[:8],
        'profiled': sum(parts.values()),
        'before': sorted(before)[len(before) // 2],
        'after': sorted(after)[len(after) // 2],
        'sizes': (len(old), len(new))}


def print_profile(title, figures):
    print(f"\n{title}: {figures['cpu'] * 1000:.0f} CPU ms (median of 5, "
        f"in this process, warm); under cProfile "
        f"{figures['profiled'] * 1000:.0f} ms, of which:")
    for name, value in figures['parts'].items():
        print(f"  {value * 1000:6.0f} ms  {name}")
    print("  the most costly functions (own time):")
    for name, value in figures['top']:
        print(f"  {value * 1000:6.0f} ms  {name}")
    print(f"  WeasyPrint alone on its HTML (median of 5, in turns): "
        f"{figures['before'] * 1000:.0f} CPU ms with a font configuration "
        f"per document (before), {figures['after'] * 1000:.0f} with the "
        f"thread's kept (now); PDF {figures['sizes'][0]:,} and "
        f"{figures['sizes'][1]:,} bytes")


# -- the server ---------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def start_gunicorn(uri, workers):
    """trytond's WSGI application under gunicorn in a process group of its
    own; return the process, the port and its log once it answers"""
    port = free_port()
    conf = tempfile.NamedTemporaryFile('w', suffix='.conf', delete=False)
    conf.write(f"[database]\nuri = {uri}\n[web]\nlisten = 127.0.0.1:{port}\n")
    conf.close()
    log = os.path.join(tempfile.gettempdir(), 'bench-portal-gunicorn.log')
    gunicorn = os.path.join(BIN, 'gunicorn')
    options = []
    if '--no-control-socket' in subprocess.run([gunicorn, '--help'],
            capture_output=True, text=True).stdout:
        # gunicorn >= 25 opens a control socket at one path per user:
        # another gunicorn of the machine's would share it
        options.append('--no-control-socket')
    server = subprocess.Popen([gunicorn, *options,
            '--workers', str(workers), '--bind', f'127.0.0.1:{port}',
            '--timeout', '120', '--backlog', '2048',
            'trytond.application:app'],
        stdout=subprocess.DEVNULL, stderr=open(log, 'w'),
        start_new_session=True, env=dict(os.environ,
            TRYTOND_CONFIG=conf.name, TRYTOND_DATABASE_NAMES=DATABASE))
    for _ in range(240):
        if server.poll() is not None:
            raise RuntimeError("gunicorn ended, see " + log)
        try:
            connection = http.client.HTTPConnection('127.0.0.1', port,
                timeout=30)
            connection.request('GET', f'/{DATABASE}/portal/signin')
            if connection.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        raise RuntimeError("gunicorn did not answer, see " + log)
    return server, port, log


def stop_group(process, timeout=10):
    "Terminate the process's group, killed after timeout seconds"
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def group_cpu(pgid):
    """CPU seconds (user + system) of the live processes of the group, or
    of the process pgid and its children (PostgreSQL's backends each have
    a session of their own)"""
    tick = os.sysconf('SC_CLK_TCK')
    total = 0
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/stat') as fp:
                fields = fp.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        # the fields after the name: ppid 2nd, pgrp 3rd
        if int(fields[2]) == pgid or int(fields[1]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def machine_cpu():
    """CPU seconds the whole machine spent busy since it started (every
    process's, ours and the others'), from /proc/stat"""
    with open('/proc/stat') as fp:
        fields = [int(x) for x in fp.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest counted in user)
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf(
        'SC_CLK_TCK')


# -- the owners ---------------------------------------------------------------

def photo():
    "A small JPEG as a phone's camera sends it (about 4 kB)"
    from PIL import Image
    image = Image.new('RGB', (160, 120))
    rng = random.Random(22)
    image.putdata([(rng.randrange(256), 90, 60) for _ in range(160 * 120)])
    data = io.BytesIO()
    image.save(data, 'JPEG', quality=60)
    return data.getvalue()


class Refused(Exception):
    pass


class Owner:
    """One owner's phone: its cookies, a new connection per request (a
    gunicorn sync process closes each one after its answer)"""

    def __init__(self, port, env, latency, rng):
        self.port = port
        self.env = env
        self.latency = latency
        self.rng = rng
        # signed in on an earlier day: the cookie the sign-in set
        self.cookies = ({'portal_session': env['session']}
            if env.get('session') else {})
        self.base = f'/{DATABASE}/portal/'

    def request(self, page, method, path, body=None, headers=None,
            expect=200):
        headers = dict(headers or {})
        if self.cookies:
            headers['Cookie'] = '; '.join(
                f'{k}={v}' for k, v in self.cookies.items())
        start = time.monotonic()
        connection = http.client.HTTPConnection('127.0.0.1', self.port,
            timeout=120)
        try:
            connection.request(method, self.base + path, body, headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        self.latency.setdefault(page, []).append(time.monotonic() - start)
        for name, value in response.getheaders():
            if name.lower() == 'set-cookie':
                key, _, rest = value.partition('=')
                value = rest.split(';', 1)[0]
                if value and 'Max-Age=0' not in rest \
                        and 'expires=Thu, 01 Jan 1970' not in rest:
                    self.cookies[key] = value
                else:
                    self.cookies.pop(key, None)
        if response.status != expect:
            raise Refused(f'{page}: HTTP {response.status} '
                f'{data[:120]!r}')
        return response, data

    def form(self, page, path, values, files=(), expect=303):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**values,
                'csrf': self.cookies.get('portal_csrf', '')}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; '
                f'name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, content_type, data in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; '
                f'name="{name}"; filename="{filename}"\r\nContent-Type: '
                f'{content_type}\r\n\r\n'.encode() + data + b'\r\n')
        parts.append(f'--{boundary}--\r\n'.encode())
        return self.request(page, 'POST', path, b''.join(parts), {
                'Content-Type': f'multipart/form-data; boundary={boundary}'},
            expect=expect)

    def sign_in(self):
        "A fresh sign-in, as on a new phone: no cookie of the portal yet"
        self.cookies.clear()
        _, data = self.request('sign-in page', 'GET', 'signin')
        response, _ = self.form('sign-in', 'signin', {
                'login': self.env['email'], 'password': PASSWORD})
        if 'portal_session' not in self.cookies:
            raise Refused('sign-in: no session')

    def act(self, action, acked, jpeg, category):
        env = self.env
        if action == 'bills':
            _, data = self.request(action, 'GET', 'bills')
            if f'bill-{env["invoice"]}'.encode() not in data:
                raise Refused("bills: the owner's bill is not shown")
        elif action == 'notice.pdf':
            _, data = self.request(action, 'GET',
                f'bills/{env["invoice"]}/notice.pdf')
            if not data.startswith(b'%PDF'):
                raise Refused('notice.pdf: not a PDF')
        elif action == 'tickets':
            _, data = self.request(action, 'GET', 'tickets')
            number = env['tickets'][0][1]
            if number.encode() not in data:
                raise Refused("tickets: the owner's ticket is not shown")
        elif action == 'ticket':
            ticket_id, number = self.rng.choice(env['tickets'])
            _, data = self.request(action, 'GET', f'tickets/{ticket_id}')
            if number.encode() not in data:
                raise Refused('ticket: not its page')
        else:
            self.request('new ticket form', 'GET', 'tickets/new')
            response, _ = self.form(action, 'tickets/new', {
                    'unit': str(env['unit']), 'kind': 'repair_unit',
                    'category': str(category),
                    'description': "Water dripping from the ceiling "
                    f"({self.rng.randrange(10 ** 6)})"},
                [('photos', 'IMG_0001.jpg', 'image/jpeg', jpeg)])
            match = re.search(r'/tickets/(\d+)$',
                response.getheader('Location') or '')
            if not match:
                raise Refused('new ticket: no redirect to the ticket')
            ticket_id = int(match.group(1))
            acked.append(ticket_id)
            # the owner follows it like the others
            env['tickets'].append((ticket_id, ''))


def owner_loop(owner, args, stop, deadline, results, jpeg, category):
    """The owner, already signed in, acts after exponential think times
    (the first one too: the owners' actions are spread over the whole run
    from its start); a share of the actions is a fresh sign-in"""
    rng = owner.rng
    actions = [a for a, _ in ACTIONS]
    weights = [w for _, w in ACTIONS]
    while True:
        wait = rng.expovariate(1 / args.think)
        if time.monotonic() + wait >= deadline or stop.wait(wait):
            return
        if rng.random() < args.signin_share / 100:
            action = 'sign-in'
        else:
            action = rng.choices(actions, weights)[0]
        try:
            if action == 'sign-in':
                owner.sign_in()
            else:
                owner.act(action, results['acked'], jpeg, category)
        except Exception as error:  # noqa: BLE001 - counted and reported
            results['errors'].append(f'{action}: {error}')


def percentile(values, p):
    if not values:
        return float('nan')
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values))))]


def run(port, env, args, server, postmaster):
    jpeg = photo()
    # warm-up: each process of gunicorn loads the pool and the templates
    # on its first requests; an owner of the first home opens every page
    warm = []
    for n in range(2 * args.workers):
        owner = Owner(port, dict(env['owners'][0],
                tickets=list(env['owners'][0]['tickets'])), {},
            random.Random(-n))
        warm.append(threading.Thread(target=lambda o=owner: (o.sign_in(), [
                        o.act(a, [], jpeg, env['category'])
                        for a, _ in ACTIONS if a != 'new ticket'])))
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    # the service time of each page alone: one owner, one request at a
    # time, before the load
    alone = {}
    owner = Owner(port, dict(env['owners'][0],
            tickets=list(env['owners'][0]['tickets'])), alone,
        random.Random(-1))
    cpu_alone = {}
    # and its CPU time in the gunicorn processes and in PostgreSQL's
    for action in ['sign-in'] + [a for a, _ in ACTIONS if a != 'new ticket']:
        cpu = group_cpu(server.pid), group_cpu(postmaster)
        for _ in range(ALONE):
            if action == 'sign-in':
                owner.sign_in()
            else:
                owner.act(action, [], jpeg, env['category'])
        cpu_alone[action] = ((group_cpu(server.pid) - cpu[0]) / ALONE,
            (group_cpu(postmaster) - cpu[1]) / ALONE)
    results = {'errors': [], 'acked': []}
    latency = {}
    stop = threading.Event()
    threading.stack_size(256 * 1024)
    start = time.monotonic()
    deadline = start + args.duration
    threads = [threading.Thread(target=owner_loop, daemon=True,
            args=(Owner(port, dict(o, tickets=list(o['tickets'])), latency,
                    random.Random(i)), args, stop, deadline, results, jpeg,
                env['category']))
        for i, o in enumerate(env['owners'])]
    cpu_server = group_cpu(server.pid)
    cpu_database = group_cpu(postmaster)
    cpu_client = time.process_time()
    cpu_machine = machine_cpu()
    load_before = os.getloadavg()
    loads = []
    for thread in threads:
        thread.start()
    try:
        while time.monotonic() < deadline:
            stop.wait(min(10, max(0, deadline - time.monotonic())))
            loads.append(os.getloadavg()[0])
    finally:
        stop.set()
        for thread in threads:
            thread.join(130)
    elapsed = time.monotonic() - start
    return {'latency': latency, 'alone': alone, 'errors': results['errors'],
        'acked': results['acked'], 'elapsed': elapsed,
        'cpu_server': group_cpu(server.pid) - cpu_server,
        'cpu_database': group_cpu(postmaster) - cpu_database,
        'cpu_alone': cpu_alone,
        'cpu_client': time.process_time() - cpu_client,
        'cpu_machine': machine_cpu() - cpu_machine,
        'load_before': load_before, 'load_end': os.getloadavg(),
        'loads': loads or [os.getloadavg()[0]]}


def machine(args, figures):
    """How busy the machine was: a loaded run is told from an idle one by
    the load average and by the CPU the other processes took"""
    loads = figures['loads']
    print("load average (1, 5, 15 min): at the bench's start "
        + ', '.join(f'{x:.1f}' for x in args.load_start)
        + "; just before the load "
        + ', '.join(f'{x:.1f}' for x in figures['load_before'])
        + "; during the load (1 min, every 10 s) "
        f"{min(loads):.1f} to {max(loads):.1f}, mean "
        f"{sum(loads) / len(loads):.1f}; at its end "
        + ', '.join(f'{x:.1f}' for x in figures['load_end']))
    elapsed = figures['elapsed']
    ours = (figures['cpu_server'] + figures['cpu_database']
        + figures['cpu_client'])
    others = max(0, figures['cpu_machine'] - ours)
    cores = os.cpu_count()
    print(f"CPU s during the load ({elapsed:.0f} s x {cores} cores = "
        f"{elapsed * cores:.0f}): gunicorn {figures['cpu_server']:.1f}, "
        f"PostgreSQL {figures['cpu_database']:.1f}, this client "
        f"{figures['cpu_client']:.1f}; the machine's other processes "
        f"{others:.1f}; idle "
        f"{max(0, elapsed * cores - figures['cpu_machine']):.0f}")


def report(args, figures, tickets, app_before):
    latency = figures['latency']
    elapsed = figures['elapsed']
    everything = [x for v in latency.values() for x in v]
    pages = [x for k, v in latency.items() if not k.startswith('sign-in')
        for x in v]
    print(f"\n{args.owners:,} owners signed in beforehand, think time "
        f"{args.think:g} s, fresh sign-ins {args.signin_share:g} % of the "
        f"actions, {elapsed:.0f} s, gunicorn with {args.workers} processes, "
        f"PostgreSQL 15")
    print(f"requests: {len(everything):,} ({len(everything) / elapsed:.1f}/s)")
    machine(args, figures)
    alone = figures['alone']
    print(f"\n| page | requests | p50 ms | p95 ms | p99 ms "
        f"| alone ms (median of {ALONE}) | alone CPU ms: gunicorn, "
        "PostgreSQL |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    cpu_alone = figures['cpu_alone']
    order = ['sign-in page', 'sign-in', 'bills', 'notice.pdf', 'tickets',
        'ticket', 'new ticket form', 'new ticket']
    rows = [(k, latency[k]) for k in order if k in latency] + [
        ('all but sign-in', pages), ('all', everything)]
    for name, values in rows:
        print(f"| {name} | {len(values):,} | "
            f"{percentile(values, 50) * 1000:.0f} | "
            f"{percentile(values, 95) * 1000:.0f} | "
            f"{percentile(values, 99) * 1000:.0f} | "
            + (f"{percentile(alone[name], 50) * 1000:.0f}"
                if alone.get(name) else '') + " | "
            + (' / '.join(f'{c * 1000:.0f}' for c in cpu_alone[name])
                if name in cpu_alone else '') + " |")
    busy = sum(len(v) * percentile(alone.get(k, []), 50)
        for k, v in latency.items() if alone.get(k))
    print(f"the load's requests at their time alone: {busy:.0f} s of "
        f"server time in {elapsed:.0f} s, {busy / elapsed:.2f} of the "
        f"{args.workers} processes busy on average")
    errors = figures['errors']
    print(f"\nerrors: {len(errors)}")
    for error in errors[:10]:
        print(f"  {error}")
    acked = len(figures['acked'])
    found, rows_app, photos = tickets
    new_rows = rows_app - app_before
    lost = acked - found
    print(f"tickets: {acked} acknowledged, {found} of them in the database, "
        f"{new_rows} new rows with channel App, {photos} photos attached; "
        f"lost tickets: {lost}, rows nobody was told of: "
        f"{new_rows - found}")
    p95 = percentile(everything, 95) * 1000
    print(f"goal p95 < 300 ms: {'met' if p95 < 300 else 'NOT met'} "
        f"({p95:.0f} ms overall, "
        f"{percentile(pages, 95) * 1000:.0f} ms without the sign-in); "
        f"errors {len(errors)}; lost {lost}", flush=True)
    return not errors and not lost and new_rows == found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--owners', type=int, default=1000)
    parser.add_argument('--duration', type=float, default=300,
        help="seconds of load, the sign-ins included")
    parser.add_argument('--think', type=float, default=30,
        help="mean seconds between two actions of an owner (exponential)")
    parser.add_argument('--signin-share', type=float, default=2,
        help="percent of the actions that are a fresh sign-in (the sign-in "
        "page and the form); the owners are signed in beforehand (2, our "
        "default: see bench/README.md)")
    parser.add_argument('--profile-notice', action='store_true',
        help="profile a fee notice's rendering in this process before the "
        "load (slow on a loaded machine)")
    parser.add_argument('--workers', type=int, default=2,
        help="gunicorn processes")
    args = parser.parse_args()
    args.load_start = os.getloadavg()
    if not os.path.exists(os.path.join(BIN, 'gunicorn')):
        sys.exit("gunicorn is missing: run scripts/setup.sh --test")

    def terminate(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, terminate)
    started = time.monotonic()
    cluster = server = None
    try:
        cluster = subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                    'pgcluster.sh'), 'start'], check=True,
            capture_output=True, text=True).stdout.strip().splitlines()[-1]
        uri = open(os.path.join(cluster, 'uri')).read().strip()
        os.environ['TRYTOND_DATABASE__URI'] = uri
        os.environ['DB_NAME'] = DATABASE
        print(f"cluster {uri}; building...", flush=True)
        env = build(args.owners)
        if args.profile_notice:
            print_profile("A fee notice PDF", billing.committed(
                    profile_notice, env['owners'][0]['invoice']))
        server, port, log = start_gunicorn(uri, args.workers)
        print(f"gunicorn on port {port} (log {log}); "
            f"{args.owners:,} owners for {args.duration:g} s...", flush=True)
        with open(os.path.join(cluster, 'data', 'postmaster.pid')) as fp:
            postmaster = int(fp.readline())
        figures = run(port, env, args, server, postmaster)
        tickets = check_tickets(figures['acked'])
        ok = report(args, figures, tickets, env['app_before'])
        return 0 if ok else 1
    finally:
        stop_group(server)
        if cluster:
            subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                        'pgcluster.sh'), 'stop', cluster])
        print(f"total {time.monotonic() - started:.0f} s", flush=True)


if __name__ == '__main__':
    sys.exit(main())
