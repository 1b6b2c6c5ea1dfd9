#!/usr/bin/env python3
"""Owners' assembly at volume: the tally of a 10,000-home vote (issue 23,
target < 1 s)

    .venv/bin/python bench/vote.py [--homes 10000] [--repeat 5]

Starts a private PostgreSQL cluster (scripts/pgcluster.sh), activates
property_community in a new database, builds a company with one site and
one building through the ORM, then writes with SQL (property_maintenance's
bulk insert: COPY into the real tables) --homes homes of 60 to 180 m²,
their owners and ownership lines: one home in 20 owned by two co-owners,
one owner in 10 owning a second home (a parking space of 12.5 m²). The
manager's meeting with an ordinary and a special matter is created and
opened through the ORM (the electorate fixed: one voter per owner group,
timed and reported), then ballots are written with SQL for 80 % of the
voters on the ordinary matter and 60 % on the special one, and ANALYZE.

Measured, in transactions rolled back afterwards: `Matter.tally` of the
two matters (the grouped SQL count of heads and areas), median of
--repeat runs, and the close of the meeting (tally, results written,
stamps), once. The results are checked against a count in Python of the
ballots written. Nothing of it runs in the test suite.
"""
import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal

# the private cluster of the maintenance benchmark (scripts/pgcluster.sh)
from maintenance import start_cluster, stop_cluster

DATABASE = 'bench_vote'
RECORD_DATE = dt.date(2026, 11, 30)


def build(homes, rng):
    "The estate, its owners and the opened meeting; return the expected"
    from trytond.modules.company.tests import create_company
    from trytond.modules.property_maintenance.bulk import insert
    from trytond.pool import Pool
    pool = Pool()
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Unit = pool.get('property.unit')
    Party = pool.get('party.party')
    Ownership = pool.get('property.unit.ownership')
    Assembly = pool.get('property.assembly')
    company = create_company()
    site, = Site.create([{'name': "Bench Court", 'code': 'BC',
                'company': company.id}])
    building, = Building.create([{'site': site.id, 'code': '1',
                'name': "Tower 1", 'floors': 40}])
    areas = [Decimal(rng.randrange(6000, 18000)) / 100
        for _ in range(homes)]
    extra = homes // 10
    unit_ids = insert(Unit, [{'site': site.id, 'building': building.id,
                'number': str(i), 'code': f'1-{i}', 'floor': 1,
                'area': area, 'type': 'apartment', 'state': 'occupied',
                'active': True} for i, area in enumerate(areas)]
        + [{'site': site.id, 'building': building.id,
                'number': f'P{i}', 'code': f'P-{i}', 'floor': -1,
                'area': Decimal('12.50'), 'type': 'parking',
                'state': 'occupied', 'active': True}
            for i in range(extra)])
    co_owned = set(range(0, homes, 20))
    party_ids = insert(Party, [{'name': f"Owner {i}", 'code': f'O{i}',
                'active': True} for i in range(homes + len(co_owned))])
    second = iter(party_ids[homes:])
    lines = []
    for i in range(homes):
        owners = [party_ids[i]]
        if i in co_owned:
            owners.append(next(second))
        share = Decimal(100) / len(owners)
        lines.extend({'unit': unit_ids[i], 'party': p, 'share': share,
                'from_date': dt.date(2020, 1, 1)} for p in owners)
    for j in range(extra):
        # the owner of home j * 10 also owns a parking space
        lines.append({'unit': unit_ids[homes + j],
                'party': party_ids[j * 10], 'share': Decimal(100),
                'from_date': dt.date(2020, 1, 1)})
    insert(Ownership, lines)
    assembly, = Assembly.create([{'name': "Bench meeting",
                'site': site.id, 'record_date': RECORD_DATE,
                'matters': [('create', [
                            {'sequence': 1, 'kind': 'manager',
                                'name': "Ordinary"},
                            {'sequence': 2, 'kind': 'fund_raise',
                                'name': "Special"}])]}])
    start = time.perf_counter()
    Assembly.open([assembly])
    opened = time.perf_counter() - start
    return assembly.id, opened


def write_ballots(assembly_id, rng):
    "Ballots of 80 % and 60 % of the voters; return the expected counts"
    from trytond.modules.property_maintenance.bulk import insert
    from trytond.pool import Pool
    pool = Pool()
    Assembly = pool.get('property.assembly')
    Ballot = pool.get('property.assembly.ballot')
    Voter = pool.get('property.assembly.voter')
    VoterOwner = pool.get('property.assembly.voter.owner')
    assembly = Assembly(assembly_id)
    voters = Voter.search([('assembly', '=', assembly_id)])
    first_owner = {}
    for owner in VoterOwner.search([('assembly', '=', assembly_id)]):
        first_owner.setdefault(owner.voter.id, owner.party.id)
    expected = {}
    rows = []
    for matter, share in zip(assembly.matters, [0.8, 0.6]):
        counts = {c: [0, 0] for c in ['for', 'against', 'abstain']}
        for voter in voters:
            if rng.random() >= share:
                continue
            choice = rng.choices(['for', 'against', 'abstain'],
                [8, 1, 1])[0]
            counts[choice][0] += 1
            counts[choice][1] += voter.weight
            rows.append({'matter': matter.id, 'voter': voter.id,
                    'party': first_owner[voter.id], 'choice': choice,
                    'keyed_at': dt.datetime(2026, 12, 20, 2, 0)})
        expected[matter.id] = counts
    insert(Ballot, rows)
    return expected, len(voters), len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--homes', type=int, default=10000)
    parser.add_argument('--repeat', type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    cluster = start_cluster()
    rng = random.Random(23)
    try:
        uri = open(os.path.join(cluster, 'uri')).read().strip()
        os.environ['TRYTOND_DATABASE__URI'] = uri
        os.environ['DB_NAME'] = DATABASE
        from trytond.tests.test_tryton import activate_module
        activate_module(['property_community'])
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        print(f"cluster {uri}; building {args.homes:,} homes...",
            flush=True)
        t0 = time.perf_counter()
        with Transaction().start(DATABASE, 0, context={}) as transaction:
            assembly_id, opened = build(args.homes, rng)
            expected, voters, ballots = write_ballots(assembly_id, rng)
            transaction.commit()
        with Transaction().start(DATABASE, 0, context={}) as transaction:
            transaction.connection.cursor().execute('ANALYZE')
        print(f"  set-up {time.perf_counter() - t0:.0f} s; opening the "
            f"meeting (electorate of {voters:,} voters fixed through the "
            f"ORM) {opened:.2f} s; {ballots:,} ballots", flush=True)
        timings = []
        for _ in range(args.repeat):
            with Transaction().start(DATABASE, 0, context={}) as transaction:
                pool = Pool()
                Assembly = pool.get('property.assembly')
                Matter = pool.get('property.assembly.matter')
                matters = Assembly(assembly_id).matters
                start = time.perf_counter()
                tallies = Matter.tally(matters)
                timings.append(time.perf_counter() - start)
                transaction.rollback()
        for matter_id, counts in expected.items():
            tally = tallies[matter_id]
            for choice, (heads, area) in counts.items():
                assert getattr(tally, f'{choice}_heads') == heads, choice
                assert getattr(tally, f'{choice}_area') == area, choice
        with Transaction().start(DATABASE, 0, context={}) as transaction:
            Assembly = Pool().get('property.assembly')
            assembly = Assembly(assembly_id)
            start = time.perf_counter()
            Assembly.close([assembly])
            closing = time.perf_counter() - start
            results = [(m.name, m.result) for m in assembly.matters]
            transaction.rollback()
        tally = statistics.median(timings)
        print()
        print("| step | homes | voters | ballots | s | target < 1 s |")
        print("| --- | --- | --- | --- | --- | --- |")
        print(f"| tally (median of {args.repeat}) | {args.homes:,} | "
            f"{voters:,} | {ballots:,} | {tally:.3f} | "
            f"{'yes' if tally < 1 else 'NO'} |")
        print(f"| close (tally + results) | {args.homes:,} | {voters:,} | "
            f"{ballots:,} | {closing:.3f} | |")
        print(f"| open (electorate fixed, ORM) | {args.homes:,} | "
            f"{voters:,} | | {opened:.2f} | |")
        print(f"results {results}; counts checked against the ballots "
            "written")
    finally:
        stop_cluster(cluster)
        print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == '__main__':
    sys.exit(main())
