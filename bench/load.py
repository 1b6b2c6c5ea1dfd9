#!/usr/bin/env python3
"""Load: concurrent clients on loopback against a real trytond server

    .venv/bin/python bench/load.py [--clients 20] [--seconds 60]
        [--processes 0 2 4] [--think 0 1] [--floor]

Starts a private PostgreSQL cluster (scripts/pgcluster.sh), creates a
database with property_helpdesk and property_billing, seeds an estate
with a billed month and one front-desk clerk per client, serves it with
`trytond` on a free port, and runs N client threads for the given time
over JSON-RPC, as the web client calls (one kept-alive connection,
gzip-compressed answers). Each clerk logs in as itself, does each
operation 3 times to warm the server's caches, and once every clerk is
ready the clock starts; then each repeats, at random: a ticket created (40 %), a work order created, dispatched and
finished on a new ticket (20 %, 4 requests), the open tickets' list
read, 50 rows with its columns (30 %), or 5 invoices read (10 %). It
prints throughput and latency percentiles per operation and per RPC
request (a work order is 4 requests in a row), the errors,
and checks afterwards that every acknowledged write is in the database
(lost writes). Nothing of it runs in the test suite.

--think gives the mean time a clerk waits between two operations
(exponential; 0, the default, sends the next one as soon as the last is
answered). --floor also runs, per server, the same clients calling only
the cheapest RPC that reaches the database (a search_count): the
framework's own cost per request, under which no code of ours can go.

With --processes, the same load is run once per count given against the
server as Tryton recommends it in production: its WSGI application
(`trytond.application:app`) under gunicorn with that many processes
(gunicorn is installed into .venv when missing); 0 stands for the
`trytond` command's own threaded server, one process (the default).
"""
import argparse
import base64
import gzip
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, '.venv', 'bin')
DATABASE = 'bench_load'
PASSWORD = 'bench-Pa55word'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def seed(uri, clerks):
    """Modules, an estate of 44 homes with a billed month, staff for
    tickets, and the office's clerks: users clerk1... of the front desk
    who also read invoices, each with the admin's password"""
    os.environ['TRYTOND_DATABASE__URI'] = uri
    os.environ['DB_NAME'] = DATABASE
    from trytond.tests.test_tryton import activate_module
    activate_module(['property_helpdesk', 'property_billing'])
    from trytond.modules.company.tests import create_employee, set_company
    from trytond.modules.property_billing.tests.tools import (
        MONTH, bill, create_estate)
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    for _ in range(10):
        try:
            with Transaction().start(DATABASE, 0, context={},
                    **extras) as transaction:
                pool = Pool()
                Assignment = pool.get('property.fee.assignment')
                Run = pool.get('property.billing.run')
                Department = pool.get('property.department')
                Category = pool.get('property.ticket.category')
                User = pool.get('res.user')
                ModelData = pool.get('ir.model.data')
                estate = create_estate("Load Garden", 'LG', extra=40)
                company = estate['company']
                with set_company(company):
                    Assignment.create([{
                                'fee_type': estate['fee_types']['PF'].id,
                                'site': estate['site'].id,
                                'rate': Decimal('1.85'),
                                'start_date': MONTH.replace(
                                    year=MONTH.year - 1)}])
                    run, = Run.create([{'company': company.id,
                                'month': MONTH, 'invoice_date': MONTH}])
                    bill(run)
                    technician = create_employee(company, "Load Plumber")
                    department, = Department.create([{'name': "Load",
                                'company': company.id,
                                'employees': [('add', [technician.id])]}])
                    category, = Category.create([{'name': "Load",
                                'code': 'LOAD',
                                'department': department.id}])
                admin, = User.search([('login', '=', 'admin')])
                User.write([admin], {'password': PASSWORD,
                        'companies': [('add', [company.id])],
                        'company': company.id})
                groups = [ModelData.get_id(*x) for x in [
                        ('property_base', 'group_property_front_desk'),
                        ('account', 'group_account')]]
                User.create([{'name': f"Clerk {n}", 'login': f'clerk{n}',
                            'password': PASSWORD,
                            'groups': [('add', groups)],
                            'companies': [('add', [company.id])],
                            'company': company.id,
                            'property_sites': [('add', [estate['site'].id])],
                            } for n in range(clerks)])
                Invoice = pool.get('account.invoice')
                env = {
                    'company': company.id, 'site': estate['site'].id,
                    'units': [u.id for u in estate['units']],
                    'owners': [o.id for o in estate['owners']],
                    'category': category.id, 'department': department.id,
                    'technician': technician.id,
                    'invoices': [i.id for i in Invoice.search([])],
                    }
                transaction.tasks.clear()
            return env
        except TransactionError as error:
            error.fix(extras)
    raise RuntimeError("seeding restarted too often")


class Client:
    """A JSON-RPC client that talks as the web client does: one kept-alive
    connection and gzip-compressed answers (a browser asks for them;
    without it trytond streams a long answer in thousands of small
    writes)"""

    def __init__(self, url, login='admin'):
        url = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = url.hostname, url.port, url.path
        self.login_name = login
        self.connection = None
        self.auth = None
        self.latencies = None  # a list to append each call's time to

    def call(self, method, params):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=60)
        headers = {'Content-Type': 'application/json',
            'Accept-Encoding': 'gzip'}
        if self.auth:
            headers['Authorization'] = self.auth
        start = time.monotonic()
        try:
            self.connection.request('POST', self.path, json.dumps({
                        'id': 1, 'method': method, 'params': params}),
                headers)
            response = self.connection.getresponse()
            data = response.read()
        except Exception:
            self.connection.close()
            self.connection = None
            raise
        if response.getheader('Content-Encoding') == 'gzip':
            data = gzip.decompress(data)
        if response.status != 200:
            raise RuntimeError(f'HTTP {response.status}: {data[:200]}')
        reply = json.loads(data)
        if 'error' in reply:
            raise RuntimeError(str(reply['error'])[:200])
        if self.latencies is not None:
            self.latencies.append(time.monotonic() - start)
        return reply['result']

    def login(self):
        user, session = self.call('common.db.login',
            [self.login_name, {'password': PASSWORD}, 'en'])[:2]
        self.auth = 'Session ' + base64.b64encode(
            f'{self.login_name}:{user}:{session}'.encode()).decode()


# The ticket list's columns (view/ticket_list.xml) as the client reads them
TICKET_LIST = ['number', 'received_at', 'site.rec_name', 'unit.rec_name',
    'kind', 'category.rec_name', 'reporter.rec_name', 'description',
    'level', 'assignee.rec_name', 'done_breached', 'state']
OPERATIONS = {
    # operation: (share, RPC requests)
    'ticket': (40, 1),
    'work_order': (20, 4),
    'tickets': (30, 1),
    'invoices': (10, 1),
    }


def work(url, env, seconds, seed_, results, ready, think=0, floor=False,
        warm=3):
    """One clerk: log in and do each operation `warm` times (a process
    fills its caches of the clerk's access rights and record rules on
    the first requests), wait until every clerk has (logging in hashes a
    password: 20 at once would weigh on the first operations), then
    until the time is up pick an operation at random (OPERATIONS), or
    only the floor's call, and wait a random think time of the given mean
    between two"""
    rng = random.Random(seed_)
    client = Client(url, f'clerk{seed_}')
    context = {'company': env['company']}

    def operate(kind, start):
        if kind == 'floor':
            client.call('model.property.ticket.search_count',
                [[('id', '=', -1)], context])
        elif kind == 'invoices':
            ids = rng.sample(env['invoices'], 5)
            client.call('model.account.invoice.read',
                [ids, ['number', 'party', 'total_amount', 'state',
                        'amount_to_pay'], context])
        elif kind == 'tickets':
            client.call('model.property.ticket.search_read',
                [[('state', 'not in', ['closed', 'cancelled'])], 0, 50,
                    [('received_at', 'DESC'), ('id', 'DESC')],
                    TICKET_LIST, context])
        else:
            i = rng.randrange(len(env['units']))
            ticket, = client.call('model.property.ticket.create', [[{
                            'company': env['company'],
                            'site': env['site'],
                            'unit': env['units'][i],
                            'reporter': env['owners'][i],
                            'channel': 'phone', 'kind': 'repair_unit',
                            'category': env['category'],
                            'description': f"Load {seed_} {start}",
                            }], context])
            results['tickets'].append(ticket)
            if kind == 'work_order':
                order, = client.call(
                    'model.property.work_order.create', [[{
                                'ticket': ticket,
                                'department': env['department'],
                                'technician': env['technician'],
                                'description': "Fix it",
                                }], context])
                for button in ['dispatch', 'finish']:
                    client.call(f'model.property.work_order.{button}',
                        [[order], context])
                results['orders'].append(order)

    kinds = ['floor'] if floor else list(OPERATIONS)
    weights = [OPERATIONS.get(k, (1,))[0] for k in kinds]
    try:
        client.login()
        for _ in range(warm):
            for kind in kinds:
                operate(kind, time.monotonic())
    except Exception as error:  # noqa: BLE001 - counted and reported
        results['errors'].append(f'warm-up: {error}')
    finally:
        ready.wait()
    client.latencies = results['requests']
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        kind = rng.choices(kinds, weights)[0]
        start = time.monotonic()
        try:
            operate(kind, start)
            results['latency'].setdefault(kind, []).append(
                time.monotonic() - start)
        except Exception as error:  # noqa: BLE001 - counted and reported
            results['errors'].append(f'{kind}: {error}')
        if think:
            time.sleep(min(rng.expovariate(1 / think), 10 * think))


def percentile(values, p):
    if not values:
        return float('nan')
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values))))]


def start_server(uri, processes):
    """trytond serving the database on a free loopback port: the trytond
    command (processes 0) or its WSGI application under gunicorn; return
    the process and the RPC URL once it answers"""
    port = free_port()
    conf = tempfile.NamedTemporaryFile('w', suffix='.conf', delete=False)
    conf.write(f"[database]\nuri = {uri}\n[web]\n"
        f"listen = 127.0.0.1:{port}\n")
    conf.close()
    log = os.path.join(tempfile.gettempdir(),
        f'bench-load-server-{processes}.log')
    if processes:
        command = [os.path.join(BIN, 'gunicorn'), '--workers',
            str(processes), '--bind', f'127.0.0.1:{port}',
            '--timeout', '120', 'trytond.application:app']
    else:
        command = [os.path.join(BIN, 'trytond'), '-c', conf.name,
            '-d', DATABASE]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL,
        stderr=open(log, 'w'), env=dict(os.environ,
            TRYTOND_CONFIG=conf.name, TRYTOND_DATABASE_NAMES=DATABASE))
    url = f'http://127.0.0.1:{port}/{DATABASE}/rpc/'
    for _ in range(240):
        try:
            Client(url).login()
            break
        except Exception:
            time.sleep(0.5)
    else:
        raise RuntimeError("the server did not answer, see " + log)
    return server, url, log


def load(uri, env, processes, clients, seconds, think=0, floor=False):
    "The load on one server; return its figures"
    server, url, log = start_server(uri, processes)
    try:
        results = {'tickets': [], 'orders': [], 'errors': [], 'latency': {},
            'requests': []}
        ready = threading.Barrier(clients + 1)
        threads = [threading.Thread(target=work,
                args=(url, env, seconds, n, results, ready, think, floor))
            for n in range(clients)]
        for thread in threads:
            thread.start()
        ready.wait()
        start = time.monotonic()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start

        # every acknowledged write is there
        checker = Client(url)
        checker.login()
        context = {'company': env['company']}
        found = checker.call('model.property.ticket.search_count',
            [[('id', 'in', results['tickets'])], context])
        done = checker.call('model.property.work_order.search_count',
            [[('id', 'in', results['orders']), ('state', '=', 'done')],
                context])
    finally:
        server.terminate()
        server.wait()
    calls = {k: v[1] for k, v in OPERATIONS.items()}
    calls['floor'] = 1
    operations = sum(len(v) for v in results['latency'].values())
    requests = sum(calls[k] * len(v)
        for k, v in results['latency'].items())
    everything = [x for v in results['latency'].values() for x in v]
    server_name = (f"gunicorn, {processes} processes" if processes
        else "trytond command, one threaded process")
    load_name = ("floor: the cheapest RPC (a search_count)" if floor
        else "office mix")
    if think:
        load_name += f", think time {think:g} s"
    print(f"\n{clients} clients, {elapsed:.0f} s, {server_name}, "
        f"{load_name}, PostgreSQL (server log: {log})")
    print(f"operations: {operations} ({operations / elapsed:.1f}/s), "
        f"RPC requests: {requests} ({requests / elapsed:.1f}/s)")
    print(f"{'operation':<12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8}")
    for kind, values in [*sorted(results['latency'].items()),
            ('all', everything), ('RPC request', results['requests'])]:
        print(f"{kind:<12} {len(values):>6} "
            f"{percentile(values, 50) * 1000:>8.0f} "
            f"{percentile(values, 95) * 1000:>8.0f} "
            f"{percentile(values, 99) * 1000:>8.0f}")
    print(f"errors: {len(results['errors'])}")
    for error in results['errors'][:5]:
        print(f"  {error}")
    lost = (len(results['tickets']) - found, len(results['orders']) - done)
    print(f"lost writes: tickets {lost[0]} of {len(results['tickets'])}, "
        f"finished work orders {lost[1]} of {len(results['orders'])}",
        flush=True)
    return {'server': server_name, 'load': load_name,
        'operations': operations / elapsed,
        'requests': requests / elapsed,
        'p50': percentile(everything, 50) * 1000,
        'p95': percentile(everything, 95) * 1000,
        'p99': percentile(everything, 99) * 1000,
        'request': [percentile(results['requests'], p) * 1000
            for p in [50, 95, 99]],
        'errors': len(results['errors']), 'lost': sum(lost),
        'per process': requests / elapsed / max(processes, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--seconds', type=int, default=60)
    parser.add_argument('--processes', type=int, nargs='+', default=[0],
        help="gunicorn processes serving trytond's WSGI application; "
        "0: the trytond command's threaded server")
    parser.add_argument('--think', type=float, nargs='+', default=[0],
        help="mean seconds a clerk waits between two operations "
        "(exponential); one load per value")
    parser.add_argument('--floor', action='store_true',
        help="also run, per server, the load of the cheapest RPC that "
        "reaches the database: what no code of ours can go below")
    args = parser.parse_args()
    if any(args.processes) and not os.path.exists(
            os.path.join(BIN, 'gunicorn')):
        subprocess.run([os.path.join(BIN, 'python'), '-m', 'pip', 'install',
                '-q', 'gunicorn'], check=True)

    cluster = subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                'pgcluster.sh'), 'start'], check=True, capture_output=True,
        text=True).stdout.strip().splitlines()[-1]
    try:
        uri = open(os.path.join(cluster, 'uri')).read().strip()
        print(f"cluster {uri}; seeding...", flush=True)
        env = seed(uri, args.clients)
        rows = []
        for processes in args.processes:
            if args.floor:
                rows.append(load(uri, env, processes, args.clients,
                        args.seconds, floor=True))
            for think in args.think:
                rows.append(load(uri, env, processes, args.clients,
                        args.seconds, think=think))
        print(f"\n| server | load | operations/s | RPC requests/s "
            f"| per process | operation p50 / p95 / p99 ms "
            f"| RPC request p50 / p95 / p99 ms | errors | lost writes |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            request = ' / '.join(f'{x:.0f}' for x in r['request'])
            print(f"| {r['server']} | {r['load']} | {r['operations']:.1f} "
                f"| {r['requests']:.1f} | {r['per process']:.1f} | "
                f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f} | "
                f"{request} | {r['errors']} | {r['lost']} |")
        print("reference: Odoo's sizing counts about 6 transactions/s per "
            "worker process")
        return 0 if not any(r['errors'] or r['lost'] for r in rows) else 1
    finally:
        subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                    'pgcluster.sh'), 'stop', cluster])


if __name__ == '__main__':
    sys.exit(main())
