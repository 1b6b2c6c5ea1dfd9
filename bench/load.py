#!/usr/bin/env python3
"""Load: concurrent clients on loopback against a real trytond server

    .venv/bin/python bench/load.py [--clients 20] [--seconds 60]
        [--processes 1 2 4]

Starts a private PostgreSQL cluster (scripts/pgcluster.sh), creates a
database with property_helpdesk and property_billing, seeds an estate
with a billed month, serves it with `trytond` on a free port, and runs N
client threads for the given time over JSON-RPC, as the web client
calls: each operation is, at random, a ticket created (40 %), a work
order created, dispatched and finished (20 %), or invoices read (40 %).
It prints throughput and latency percentiles per operation, the errors,
and checks afterwards that every acknowledged write is in the database
(lost writes). Nothing of it runs in the test suite.

With --processes, the same load is run once per count given against the
server as Tryton recommends it in production: its WSGI application
(`trytond.application:app`) under gunicorn with that many processes
(gunicorn is installed into .venv when missing); 0 stands for the
`trytond` command's own threaded server, one process (the default).
"""
import argparse
import base64
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, '.venv', 'bin')
DATABASE = 'bench_load'
PASSWORD = 'bench-Pa55word'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def seed(uri):
    "Modules, an estate of 44 homes with a billed month, staff for tickets"
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
                                'period': MONTH, 'invoice_date': MONTH}])
                    bill(run)
                    technician = create_employee(company, "Load Plumber")
                    department, = Department.create([{'name': "Load",
                                'company': company.id,
                                'employees': [('add', [technician.id])]}])
                    category, = Category.create([{'name': "Load",
                                'code': 'LOAD',
                                'department': department.id}])
                    # the policies of a running company exist already
                    pool.get('property.helpdesk.configuration').get(company)
                admin, = User.search([('login', '=', 'admin')])
                User.write([admin], {'password': PASSWORD,
                        'companies': [('add', [company.id])],
                        'company': company.id})
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
    def __init__(self, url):
        self.url = url
        self.auth = None

    def call(self, method, params):
        request = urllib.request.Request(self.url,
            data=json.dumps({'id': 1, 'method': method,
                    'params': params}).encode(),
            headers={'Content-Type': 'application/json',
                **({'Authorization': self.auth} if self.auth else {})})
        with urllib.request.urlopen(request, timeout=60) as response:
            reply = json.loads(response.read())
        if 'error' in reply:
            raise RuntimeError(str(reply['error'])[:200])
        return reply['result']

    def login(self):
        user, session = self.call('common.db.login',
            ['admin', {'password': PASSWORD}, 'en'])[:2]
        self.auth = 'Session ' + base64.b64encode(
            f'admin:{user}:{session}'.encode()).decode()


def work(url, env, seconds, seed_, results):
    rng = random.Random(seed_)
    client = Client(url)
    client.login()
    context = {'company': env['company']}
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        kind = rng.choices(['ticket', 'work_order', 'read'],
            weights=[40, 20, 40])[0]
        start = time.monotonic()
        try:
            if kind == 'read':
                ids = rng.sample(env['invoices'], 5)
                client.call('model.account.invoice.read',
                    [ids, ['number', 'party', 'total_amount', 'state',
                            'amount_to_pay'], context])
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
            results['latency'][kind].append(time.monotonic() - start)
        except Exception as error:  # noqa: BLE001 - counted and reported
            results['errors'].append(f'{kind}: {error}')


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


def warm_up(url, env, processes):
    "Every process has loaded the database's pool before the clock starts"
    client = Client(url)
    client.login()
    for _ in range(10 * max(processes, 1)):
        client.call('model.account.invoice.read',
            [env['invoices'][:5], ['number'], {'company': env['company']}])


def load(uri, env, processes, clients, seconds):
    "The load on one server; return its figures"
    server, url, log = start_server(uri, processes)
    try:
        warm_up(url, env, processes)
        results = {'tickets': [], 'orders': [], 'errors': [],
            'latency': {'ticket': [], 'work_order': [], 'read': []}}
        threads = [threading.Thread(target=work,
                args=(url, env, seconds, n, results))
            for n in range(clients)]
        start = time.monotonic()
        for thread in threads:
            thread.start()
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
    calls = {'ticket': 1, 'work_order': 4, 'read': 1}
    operations = sum(len(v) for v in results['latency'].values())
    requests = sum(calls[k] * len(v)
        for k, v in results['latency'].items())
    everything = [x for v in results['latency'].values() for x in v]
    server_name = (f"gunicorn, {processes} processes" if processes
        else "trytond command, one threaded process")
    print(f"\n{clients} clients, {elapsed:.0f} s, {server_name}, "
        f"PostgreSQL (server log: {log})")
    print(f"operations: {operations} ({operations / elapsed:.1f}/s), "
        f"RPC requests: {requests} ({requests / elapsed:.1f}/s)")
    print(f"{'operation':<12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8}")
    for kind, values in [*results['latency'].items(), ('all', everything)]:
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
    return {'server': server_name, 'operations': operations / elapsed,
        'requests': requests / elapsed,
        'p50': percentile(everything, 50) * 1000,
        'p95': percentile(everything, 95) * 1000,
        'p99': percentile(everything, 99) * 1000,
        'errors': len(results['errors']), 'lost': sum(lost),
        'per process': requests / elapsed / max(processes, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--seconds', type=int, default=60)
    parser.add_argument('--processes', type=int, nargs='+', default=[0],
        help="gunicorn processes serving trytond's WSGI application; "
        "0: the trytond command's threaded server")
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
        env = seed(uri)
        rows = [load(uri, env, p, args.clients, args.seconds)
            for p in args.processes]
        print(f"\n| server | operations/s | RPC requests/s | per process "
            f"| p50 ms | p95 ms | p99 ms | errors | lost writes |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            print(f"| {r['server']} | {r['operations']:.1f} | "
                f"{r['requests']:.1f} | {r['per process']:.1f} | "
                f"{r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | "
                f"{r['errors']} | {r['lost']} |")
        print("reference: Odoo's sizing counts about 6 transactions/s per "
            "worker process")
        return 0 if not any(r['errors'] or r['lost'] for r in rows) else 1
    finally:
        subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                    'pgcluster.sh'), 'stop', cluster])


if __name__ == '__main__':
    sys.exit(main())
