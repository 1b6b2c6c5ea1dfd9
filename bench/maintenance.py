#!/usr/bin/env python3
"""Planned maintenance at volume: the scheduler over 50,000 pieces of
equipment (issue 26, target < 30 s)

    .venv/bin/python bench/maintenance.py [--equipment 5000 50000]
        [--checklist 4] [--repeat 3] [--no-baseline]

Starts a private PostgreSQL cluster (scripts/pgcluster.sh), activates
property_maintenance in a new database, builds a company of 50 sites with
the engineering department and four equipment categories through the ORM,
then writes max(--equipment) pieces of equipment with SQL (COPY into the
real tables), each with a monthly plan of --checklist items: the plans of
the first min(--equipment) pieces are first due on day D, those of the
others on D + 1, so the scheduler run on D has the small size's jobs to
create and the run on D + 1 the large size's (the first ones' jobs of D too, the
runs being rolled back). ANALYZE.

Measured for each size, in a transaction rolled back afterwards, as
`ir.cron` runs `property.maintenance.plan|create_jobs` (user 0, `_cron` in
the context): the wall time of the scheduler (plans read, due dates
computed, one work order per due job and one check per checklist item
written, the plans' schedules moved on), median of --repeat runs; then
checked: as many planned work orders as due jobs, each with its checklist,
and every plan's next job a month later.

Baseline, at the smallest size, in the same run: the same work orders and
checks through Tryton's ORM (`WorkOrder.create` of the same values, in
calls of 1,000, then `Check.create` of the checklists and `Plan.write` of
the schedules), as a scheduler written record-wise would, rolled back.
Nothing of it runs in the test suite.
"""
import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATABASE = 'bench_maintenance'
SITES = 50
CATEGORIES = [('LIFT', 'lift', True), ('PUMP', 'water_pump', False),
    ('EXT', 'fire_extinguisher', False), ('CCTV', 'cctv', False)]


def start_cluster():
    return subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                'pgcluster.sh'), 'start'], check=True, capture_output=True,
        text=True).stdout.strip().splitlines()[-1]


def stop_cluster(cluster):
    subprocess.run(['bash', os.path.join(ROOT, 'scripts', 'pgcluster.sh'),
            'stop', cluster])


def setup(count, checklist, day):
    from trytond.tests.test_tryton import activate_module
    activate_module(['property_maintenance'])
    from trytond.transaction import Transaction
    with Transaction().start(DATABASE, 0, context={}) as transaction:
        env = build(count, checklist, day)
        transaction.commit()
    with Transaction().start(DATABASE, 0, context={}) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('ANALYZE')
    return env


def build(counts, checklist, day):
    from trytond.modules.company.tests import create_company
    from trytond.modules.property_maintenance import bulk
    from trytond.pool import Pool
    pool = Pool()
    Site = pool.get('property.site')
    Department = pool.get('property.department')
    Category = pool.get('property.equipment.category')
    Equipment = pool.get('property.equipment')
    Plan = pool.get('property.maintenance.plan')
    Item = pool.get('property.maintenance.plan.item')
    company = create_company()
    company.timezone = 'Asia/Shanghai'
    company.save()
    sites = Site.create([{'name': f"Site {i}", 'code': f'S{i:02d}',
                'company': company.id} for i in range(SITES)])
    department, = Department.create([{'name': "Engineering",
                'company': company.id}])
    categories = Category.create([{'code': code, 'name': code, 'kind': kind,
                'certified': certified}
            for code, kind, certified in CATEGORIES])
    total = max(counts)
    first = min(counts)
    equipment_ids = bulk.insert(Equipment, [{
                'site': sites[i % SITES].id,
                'category': categories[i % len(categories)].id,
                'code': f'E{i:06d}', 'name': f"Equipment {i}",
                'criticality': 'medium', 'state': 'in_service',
                } for i in range(total)])
    plan_ids = bulk.insert(Plan, [{
                'name': f"Monthly service {i}",
                'site': sites[i % SITES].id,
                'equipment': equipment_id,
                'category': categories[i % len(categories)].id,
                'frequency': 'monthly', 'active': True,
                'start_date': day if i < first else day + dt.timedelta(1),
                'anchor_date': day if i < first else day + dt.timedelta(1),
                'occurrences': 0,
                'department': department.id,
                } for i, equipment_id in enumerate(equipment_ids)])
    bulk.insert(Item, [{'plan': plan_id, 'sequence': n,
                'name': f"Item {n}"}
            for plan_id in plan_ids for n in range(checklist)])
    return {'company': company.id, 'day': day}


def run_ours(day, profile=False):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    method = 'property.maintenance.plan|create_jobs'
    with Transaction().start(DATABASE, 0, context={'_cron': method},
            ) as transaction:
        Plan = Pool().get('property.maintenance.plan')
        if profile:
            import cProfile
            import pstats
            profiler = cProfile.Profile()
            profiler.enable()
        start = time.perf_counter()
        orders = Plan.create_jobs(day)
        elapsed = time.perf_counter() - start
        if profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats('cumulative').print_stats(25)
        check = verify(day, len(orders))
        transaction.rollback()
    return elapsed, len(orders), check


def verify(day, expected):
    "Work orders, checks and schedules as the scheduler must leave them"
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    WorkOrder = pool.get('property.work_order')
    Check = pool.get('property.work_order.check')
    Plan = pool.get('property.maintenance.plan')
    Item = pool.get('property.maintenance.plan.item')
    cursor = Transaction().connection.cursor()
    order = WorkOrder.__table__()
    check = Check.__table__()
    plan = Plan.__table__()
    item = Item.__table__()
    from sql.aggregate import Count
    # (the transaction is rolled back after each run: the planned work
    # orders there are are the run's). The rows just written have no
    # statistics yet: without this PostgreSQL joins them by nested loops
    # (hours at 200,000 checks)
    if backend.name == 'postgresql':
        cursor.execute('SET LOCAL enable_nestloop = off')
    cursor.execute(*order.select(Count(order.id),
            where=(order.kind == 'planned') & (order.due_date <= day)
            & (order.state == 'draft')))
    orders, = cursor.fetchone()
    cursor.execute(*check.join(order, condition=check.work_order == order.id
            ).select(Count(check.id)))
    checks, = cursor.fetchone()
    cursor.execute(*order.join(item, condition=item.plan == order.plan
            ).select(Count(item.id)))
    items, = cursor.fetchone()
    cursor.execute(*plan.select(Count(plan.id),
            where=(plan.anchor_date <= day) & (plan.occurrences == 1)))
    moved, = cursor.fetchone()
    ok = orders == expected == moved and checks == items
    return (f"{orders:,} work orders, {checks:,} checks of {items:,} "
        f"items, {moved:,} plans moved on: {'ok' if ok else 'WRONG'}")


def run_baseline(day):
    "The same jobs through Tryton's ORM, record-wise"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.modules.property_maintenance.plan import occurrence
    with Transaction().start(DATABASE, 0, context={}) as transaction:
        pool = Pool()
        Plan = pool.get('property.maintenance.plan')
        WorkOrder = pool.get('property.work_order')
        Check = pool.get('property.work_order.check')
        start = time.perf_counter()
        plans = Plan.search([('anchor_date', '<=', day)])
        due = [p for p in plans if occurrence(p.anchor_date, p.frequency,
                p.interval, p.occurrences) <= day]
        orders = []
        for i in range(0, len(due), 1000):
            orders += WorkOrder.create([{
                        'kind': 'planned', 'plan': p.id,
                        'equipment': p.equipment.id,
                        'department': p.department.id,
                        'due_date': occurrence(p.anchor_date, p.frequency,
                            p.interval, p.occurrences),
                        'description': p.description or p.name,
                        } for p in due[i:i + 1000]])
        checks = [{'work_order': o.id, 'sequence': item.sequence,
                'name': item.name} for o, p in zip(orders, due)
            for item in p.items]
        for i in range(0, len(checks), 1000):
            Check.create(checks[i:i + 1000])
        for i in range(0, len(due), 1000):
            Plan.write(due[i:i + 1000], {'occurrences': 1})
        elapsed = time.perf_counter() - start
        check = verify(day, len(orders))
        transaction.rollback()
    return elapsed, len(orders), check


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--equipment', type=int, nargs='+',
        default=[5000, 50000])
    parser.add_argument('--checklist', type=int, default=4)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--no-baseline', action='store_true')
    parser.add_argument('--profile', action='store_true',
        help="print the profile of the scheduler's last run of each size")
    args = parser.parse_args()
    sizes = sorted(set(args.equipment))[:2]
    started = time.perf_counter()
    cluster = start_cluster()
    try:
        uri = open(os.path.join(cluster, 'uri')).read().strip()
        os.environ['TRYTOND_DATABASE__URI'] = uri
        os.environ['DB_NAME'] = DATABASE
        day = dt.date(2027, 1, 31)
        print(f"cluster {uri}; setting up {max(sizes):,} pieces of "
            f"equipment with {args.checklist} checklist items each...",
            flush=True)
        t0 = time.perf_counter()
        setup(sizes, args.checklist, day)
        print(f"  set-up {time.perf_counter() - t0:.0f} s", flush=True)
        days = {sizes[0]: day, sizes[-1]: day + dt.timedelta(days=1)}
        rows = []
        for size in sizes:
            timings = []
            for i in range(args.repeat):
                elapsed, count, check = run_ours(days[size],
                    profile=args.profile and i == args.repeat - 1)
                timings.append(elapsed)
                print(f"  ours {size:,}: {elapsed:.2f} s, {check}",
                    flush=True)
            rows.append(('set-wise scheduler', size, count,
                    statistics.median(timings)))
        if not args.no_baseline:
            elapsed, count, check = run_baseline(days[sizes[0]])
            print(f"  baseline {sizes[0]:,}: {elapsed:.2f} s, {check}",
                flush=True)
            rows.append(('ORM create (baseline)', sizes[0], count, elapsed))
        print()
        print("| path | equipment | jobs | s | jobs/s | target < 30 s |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, size, count, elapsed in rows:
            target = ('yes' if elapsed < 30 else 'NO') if size >= 50000 else ''
            print(f"| {name} | {size:,} | {count:,} | {elapsed:.2f} | "
                f"{count / elapsed:,.0f} | {target} |")
        if not args.no_baseline:
            ours = next(r for r in rows if r[1] == sizes[0])
            base = rows[-1]
            print(f"\nratio at {sizes[0]:,}: baseline / ours = "
                f"{base[3] / ours[3]:.1f}")
    finally:
        stop_cluster(cluster)
        print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == '__main__':
    sys.exit(main())
