#!/usr/bin/env python3
"""Build the demo estate: a property company running two sites.

    .venv/bin/python scripts/demo.py -c var/trytond.conf -d property \
        [--size small]

(make run writes var/trytond.conf: trytond.conf with absolute paths.)

The full estate (the default, make run) has 310 units and 330 tickets; the
small one (--size small, tests/test_day_at_the_office.py) is the same kind
of estate built by the same procedures - every building type, every state
of every workflow, three billed months - with 30 units and 30 tickets, so
that it builds in seconds. The addons' demo parts read the size from the
context (``demo_size``).

Deterministic (seeded) and idempotent: when the demo company exists the
script says so and changes nothing. It uses the models' own methods
(move-ins are completed through their checklist, loans approved and lent
through their buttons) so the demo data obeys every rule of the suite.
"""
import argparse
import datetime as dt
import importlib
import random
import sys
import time
from decimal import Decimal

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英"
    " 华 建华 建国 志强 文 斌 鹏 婷 玉兰 海燕 晨 宇 欣怡 子涵 浩然 梓萱 俊杰").split()
COMPANY_NAME = "锦绣物业服务有限公司"
# The addons with a demo part, in the order of their dependencies
ADDONS = ['property_helpdesk', 'property_billing', 'property_decoration',
    'property_hr', 'property_frontdesk',
    'property_maintenance', 'property_community', 'property_portal']

# The tables the demo's parts lock (singletons, strict sequences, the
# moves and bookings they check for overlaps): locked from each part's
# start, the parts do not start over (see build); a table missing here
# costs one restart of the part that locks it, logged as "started over"
LOCKED = ['party_configuration', 'account_configuration',
    'account_journal_period', 'ir_sequence_strict', 'account_move_line',
    'property_lift_booking', 'stock_move']


def log(message, start=[time.monotonic()]):
    print(f"[demo {time.monotonic() - start[0]:5.1f}s] {message}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--size', choices=sorted(SIZES), default='full',
        help="full (default) or small (a few buildings, for the tests)")
    args = parser.parse_args()

    from trytond import config
    config.update_etc(args.config)
    from trytond.pool import Pool

    Pool.start()
    Pool(args.database).init()
    build(args.database, args.size)
    return 0


def build(database, size='full', log=log):
    """Build the demo estate of the size into the database (its pool
    initialised); each part in a committed transaction of its own"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    pool = Pool(database)

    # The locks the parts asked for so far: the later parts (which
    # number invoices too) start with them instead of starting over.
    # The demo is the database's only user, so it takes whole tables: the
    # tables its parts are known to lock (LOCKED) from their start, and a
    # part that asks for some records of a table locks the whole table
    # when it starts over, so that no part starts over twice for one table
    # (every restart redoes the whole part: the billing part of the full
    # estate took 4½ minutes before it started over, and did so twice).
    extras = {}
    with Transaction().start(database, 0, readonly=True):
        from trytond import backend
        extras['_lock_tables'] = [t for t in LOCKED
            if backend.TableHandler.table_exist(t)]

    def in_transaction(build):
        """Run the part of the demo in a transaction of its own; as the
        server does, start it over with the tables locked that it asks
        for (strict sequences, singletons)"""
        for _ in range(10):
            try:
                # in the office's language: the names and descriptions
                # the suite writes (invoice lines, deposits, checklists...)
                # are written in Chinese, as the office's staff would have
                # them (the parts that use Tryton's test tools switch to
                # English where these look records up by English names)
                with Transaction().start(database, 0,
                        context={'demo_size': size, 'language': 'zh_CN'},
                        **extras) as transaction:
                    build(transaction)
                return
            except TransactionError as error:
                table = getattr(error, '_table', None)
                log(f"(started over, locking {table})")
                if table and table not in extras['_lock_tables']:
                    extras['_lock_tables'].append(table)
                else:
                    error.fix(extras)
        raise RuntimeError("demo: too many transaction restarts")

    def build_base(transaction):
        Company = pool.get('company.company')
        if Company.search([('party.name', '=', COMPANY_NAME)]):
            log("demo estate already loaded")
        else:
            Demo(pool, size, log).build()
    in_transaction(build_base)

    # Each addon adds its part of the demo (and skips it when present),
    # so that an addon activated later still gets its demo data.
    def staff_in_chinese(transaction):
        "The office's staff (the demo's users but admin) start in Chinese"
        Lang = pool.get('ir.lang')
        User = pool.get('res.user')
        langs = Lang.search([('code', '=', 'zh_CN')])
        if langs:
            User.write(User.search([('login', '!=', 'admin')]),
                {'language': langs[0].id})

    def build_addon(name):
        def build(transaction):
            Company = pool.get('company.company')
            Module = pool.get('ir.module')
            if not Module.search([('name', '=', name),
                        ('state', '=', 'activated')]):
                return
            module = importlib.import_module(f'trytond.modules.{name}.demo')
            company, = Company.search([('party.name', '=', COMPANY_NAME)])
            with transaction.set_context(company=company.id,
                    companies=[company.id]):
                module.build(pool, company, random.Random(2026), log)
        return build
    for name in ADDONS:
        in_transaction(build_addon(name))
    in_transaction(staff_in_chinese)
    log(f"demo estate ready ({size})")


# The buildings of each size: site, code, name, type, floors, unit type,
# units per floor, areas
SIZES = {
    'full': [
        ('GC', '1', "1号楼", 'residential', 12, 'apartment', 4,
            ['89.50', '112.30', '128.75', '143.60']),
        ('GC', '2', "2号楼", 'residential', 12, 'apartment', 4,
            ['89.50', '112.30', '128.75', '143.60']),
        ('GC', '3', "3号楼", 'residential', 12, 'apartment', 4,
            ['96.20', '118.40', '118.40', '96.20']),
        ('GC', '4', "4号楼", 'residential', 12, 'duplex', 4,
            ['156.80', '172.10', '172.10', '156.80']),
        ('GC', 'S1', "商业街", 'commercial', 2, 'shop', 5,
            ['56.00', '72.50', '88.00', '120.00', '64.30']),
        ('GC', 'P1', "地下车库", 'parking', 1, 'parking', 40, ['12.50']),
        ('RV', 'V', "别墅区", 'villa', 3, 'villa', 4,
            ['268.00', '295.50', '312.00', '326.40']),
        ('RV', '5', "5号楼", 'residential', 9, 'apartment', 4,
            ['79.60', '101.20', '101.20', '79.60']),
        ('RV', 'P2', "地面车位", 'parking', 1, 'parking', 20, ['12.00']),
        ],
    # Enough homes for the renovation demo's jobs (9 at GC, 4 at RV)
    'small': [
        ('GC', '1', "1号楼", 'residential', 3, 'apartment', 4,
            ['89.50', '112.30', '128.75', '143.60']),
        ('GC', '4', "4号楼", 'residential', 2, 'duplex', 2,
            ['156.80', '172.10']),
        ('GC', 'S1', "商业街", 'commercial', 1, 'shop', 1, ['72.50']),
        ('GC', 'P1', "地下车库", 'parking', 1, 'parking', 2, ['12.50']),
        ('RV', 'V', "别墅区", 'villa', 2, 'villa', 2,
            ['268.00', '295.50']),
        ('RV', '5', "5号楼", 'residential', 3, 'apartment', 2,
            ['79.60', '101.20']),
        ('RV', 'P2', "地面车位", 'parking', 1, 'parking', 1, ['12.00']),
        ],
    }


class Demo:

    def __init__(self, pool, size='full', log=log):
        self.pool = pool
        self.log = log
        self.size = size
        self.rng = random.Random(2026)
        self.today = pool.get('ir.date').today()
        self.names = set()

    def get(self, name):
        return self.pool.get(name)

    def person_name(self):
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in self.names:
                self.names.add(name)
                return name
            # Allow homonyms once the simple names run out, as in life.
            if len(self.names) > 3000:
                return name

    def phone(self):
        return '1' + self.rng.choice('3589') + ''.join(
            self.rng.choice('0123456789') for _ in range(9))

    def identity(self, birth_year):
        return '3701%02d%d%02d%02d%03d%s' % (
            self.rng.randint(1, 12), birth_year, self.rng.randint(1, 12),
            self.rng.randint(1, 28), self.rng.randint(0, 999),
            self.rng.choice('0123456789X'))

    def build(self):
        from trytond.transaction import Transaction
        self.set_chinese()
        self.company = self.create_company()
        with Transaction().set_context(company=self.company.id,
                companies=[self.company.id]):
            self.set_party_language()
            self.create_staff()
            self.create_estate()
            self.sell_units()
            self.move_in()
            self.occupy()
            self.move_out()
            self.create_archives()
            self.inspect_vacant_units()
            self.finish_configuration()

    def set_chinese(self):
        """Chinese, the office's language, made translatable with the
        activated modules' translations loaded (as `trytond-admin -l zh_CN`
        does; `make run` has done it already): the documents print in
        Chinese"""
        from trytond.modules import create_graph, load_translations
        Lang = self.get('ir.lang')
        Module = self.get('ir.module')
        lang, = Lang.search([('code', '=', 'zh_CN')])
        if lang.translatable:
            return
        start = time.monotonic()
        Lang.write([lang], {'translatable': True})
        modules = {m.name for m in Module.search([
                    ('state', '=', 'activated')])}
        for node in create_graph(modules):
            load_translations(self.pool, node, ['zh_CN'])
        self.log(f"Chinese translations loaded in "
            f"{time.monotonic() - start:.1f}s")

    def set_party_language(self):
        "Owners and the other parties read Chinese unless said otherwise"
        Lang = self.get('ir.lang')
        Configuration = self.get('party.configuration')
        config = Configuration(1)
        config.party_lang = Lang.get('zh_CN')
        config.save()

    def create_company(self):
        from trytond.transaction import Transaction
        Currency = self.get('currency.currency')
        Party = self.get('party.party')
        Company = self.get('company.company')
        Lang = self.get('ir.lang')
        cny = Currency.search([('code', '=', 'CNY')])
        if cny:
            cny, = cny
        else:
            cny, = Currency.create([{'name': "Chinese Yuan", 'code': 'CNY',
                        'symbol': '¥', 'numeric_code': '156',
                        'rounding': Decimal('0.01'), 'digits': 2}])
        # the office's name of its currency, for the staff who read 中文
        with Transaction().set_context(language='zh_CN'):
            Currency.write([cny], {'name': "人民币"})
        langs = Lang.search([('code', '=', 'zh_CN')])
        party, = Party.create([{'name': COMPANY_NAME,
                    'lang': langs[0].id if langs else None,
                    'addresses': [('create', [{
                                    'street': "经十路 17703 号",
                                    'city': "济南市",
                                    'postal_code': '250061'}])]}])
        company, = Company.create([{'party': party.id, 'currency': cny.id,
                    'timezone': 'Asia/Shanghai'}])
        self.log(f"company {COMPANY_NAME}")
        return company

    def create_staff(self):
        Party = self.get('party.party')
        Employee = self.get('company.employee')
        User = self.get('res.user')
        Group = self.get('res.group')
        ModelData = self.get('ir.model.data')
        staff = [
            ('manager_gc', "孙建国", 'group_property_manager'),
            ('manager_rv', "刘海燕", 'group_property_manager'),
            ('front_desk_gc', "周敏", 'group_property_front_desk'),
            ('front_desk_rv', "吴婷", 'group_property_front_desk'),
            ('building_gc', "郑强", 'group_property_building_manager'),
            ('archive_gc', "何丽", 'group_property_archive'),
            ]
        parties = Party.create([{'name': name} for _, name, _ in staff])
        employees = Employee.create([{'party': p.id,
                    'company': self.company.id,
                    'start_date': dt.date(2020, 3, 1)} for p in parties])
        self.employees = {key: e for (key, _, _), e in zip(staff, employees)}
        self.staff_groups = {key: Group(ModelData.get_id(
                    'property_base', group)) for key, _, group in staff}
        # The administrator works as the Garden Court manager so that the
        # demo can approve loans from the web client.
        admin, = User.search([('login', '=', 'admin')])
        User.write([admin], {
                'companies': [('add', [self.company.id])],
                'company': self.company.id,
                'employees': [('add', [e.id for e in employees])],
                'employee': self.employees['manager_gc'].id,
                })
        self.log(f"{len(employees)} employees")

    def create_estate(self):
        Site = self.get('property.site')
        Building = self.get('property.building')
        Unit = self.get('property.unit')
        User = self.get('res.user')
        gc, rv = Site.create([{
                    'name': "锦绣花园", 'code': 'GC',
                    'company': self.company.id,
                    'address': "济南市历下区经十路 17703 号",
                    'manager': self.employees['manager_gc'].id,
                    'service_phone': '0531-88886666',
                    }, {
                    'name': "滨河苑", 'code': 'RV',
                    'company': self.company.id,
                    'address': "济南市天桥区滨河北路 88 号",
                    'manager': self.employees['manager_rv'].id,
                    'service_phone': '0531-88887777',
                    }])
        self.sites = (gc, rv)
        # Each clerk sees the site they work on.
        for key, employee in self.employees.items():
            site = gc if key.endswith('_gc') else rv
            User.create([{
                        'name': employee.party.name,
                        'login': key.replace('_', '.'),
                        'password': 'demo-' + key.replace('_', '-'),
                        'groups': [('add', [self.staff_groups[key].id])],
                        'companies': [('add', [self.company.id])],
                        'company': self.company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        'property_sites': [('add', [site.id])],
                        }])
        sites = {'GC': gc, 'RV': rv}
        plans = [(sites[site], *plan) for site, *plan in SIZES[self.size]]
        buildings = Building.create([{
                    'site': site.id, 'code': code, 'name': name,
                    'type': type_, 'floors': floors}
                for site, code, name, type_, floors, *_ in plans])
        values = []
        for building, (_, code, _, _, floors, utype, per_floor, areas) \
                in zip(buildings, plans):
            for floor in range(1, floors + 1):
                for i in range(per_floor):
                    if utype == 'parking':
                        number = f'{i + 1:03d}'
                    elif utype == 'villa':
                        number = f'{floor}{i + 1:02d}'
                    else:
                        number = f'{floor}{i + 1:02d}'
                    area = Decimal(areas[i % len(areas)])
                    values.append({
                            'building': building.id,
                            'floor': None if utype == 'parking' else floor,
                            'number': number,
                            'type': utype,
                            'area': area,
                            'inner_area': (area * Decimal('0.81')).quantize(
                                Decimal('0.01')) if utype != 'parking'
                            else None,
                            })
        units = []
        for i in range(0, len(values), 200):
            units += Unit.create(values[i:i + 200])
        self.units = units
        self.log(f"2 sites, {len(buildings)} buildings, {len(units)} units "
            f"({self.size})")

    def sell_units(self):
        "Most units are sold; a few stay with the developer (vacant)"
        Party = self.get('party.party')
        Ownership = self.get('property.unit.ownership')
        rng = self.rng
        self.sold = [u for u in self.units if rng.random() < 0.88]
        # One home at least stays with the developer (a small estate too)
        if all(u in self.sold for u in self.units if u.type != 'parking'):
            self.sold.remove(next(u for u in self.sold
                    if u.type == 'apartment'))
        owners_values, plan = [], []
        for unit in self.sold:
            joint = unit.type in {'apartment', 'duplex', 'villa'} \
                and rng.random() < 0.12
            count = 2 if joint else 1
            plan.append((unit, count))
            for _ in range(count):
                year = rng.randint(1955, 1995)
                owners_values.append({
                        'name': self.person_name(),
                        'identity_number': self.identity(year),
                        'preferred_channel': rng.choice(
                            ['phone', 'phone', 'wechat', 'sms', 'visit']),
                        'contact_mechanisms': [('create', [{
                                        'type': 'mobile',
                                        'value': self.phone()}])],
                        })
        owners = []
        for i in range(0, len(owners_values), 200):
            owners += Party.create(owners_values[i:i + 200])
        owners = iter(owners)
        ownerships = []
        for unit, count in plan:
            bought = self.today - dt.timedelta(days=rng.randint(200, 2400))
            share = Decimal(100) / count
            for _ in range(count):
                ownerships.append({'unit': unit.id, 'party': next(owners).id,
                        'share': share, 'from_date': bought,
                        'deed_number': 'JN%d%06d' % (
                            bought.year, rng.randint(1, 999999))})
        for i in range(0, len(ownerships), 200):
            Ownership.create(ownerships[i:i + 200])
        self.log(f"{len(self.sold)} units sold to {len(owners_values)} owners")

    def move_in(self):
        "Keys arrive from the developer; owners receive their homes"
        Key = self.get('property.key')
        Move = self.get('property.move')
        MoveLine = self.get('property.move.line')
        Unit = self.get('property.unit')
        rng = self.rng
        keys = []
        for unit in self.units:
            if unit.type == 'parking':
                continue
            keys.append({'unit': unit.id, 'name': "入户门钥匙",
                    'tag': f'{unit.site.code}-{unit.code}-1', 'copies': 3})
            if unit.type in {'apartment', 'duplex'}:
                keys.append({'unit': unit.id, 'name': "信报箱钥匙",
                        'tag': f'{unit.site.code}-{unit.code}-2',
                        'copies': 2})
        for i in range(0, len(keys), 300):
            Key.create(keys[i:i + 300])
        # Sold units are handed over, except a few whose owners have not
        # come yet; one move-in is in progress at the front desk.
        self.sold = Unit.browse([u.id for u in self.sold])
        to_move = [u for u in self.sold if rng.random() < 0.93]
        # Three homes at least wait for their owners (a small estate too)
        homes = [u for u in to_move if u.type != 'parking']
        for unit in homes[:max(0, 3 - (len(self.sold) - len(to_move)))]:
            to_move.remove(unit)
        waiting = [u for u in self.sold if u not in to_move]
        moves = []
        for unit in to_move:
            owner = unit.ownerships[0]
            date = owner.from_date + dt.timedelta(days=rng.randint(3, 60))
            moves.append({'kind': 'move_in', 'unit': unit.id,
                    'party': owner.party.id, 'date': min(date, self.today)})
        done = []
        for i in range(0, len(moves), 100):
            done += Move.create(moves[i:i + 100])
        lines = [l for m in done for l in m.lines]
        for i in range(0, len(lines), 500):
            MoveLine.write(lines[i:i + 500], {'done': True})
        for i in range(0, len(done), 100):
            Move.complete(done[i:i + 100])
        if waiting:
            unit = waiting[0]
            pending, = Move.create([{'kind': 'move_in', 'unit': unit.id,
                        'party': unit.ownerships[0].party.id,
                        'date': self.today}])
            MoveLine.write(list(pending.lines[:6]), {'done': True})
        self.handed_over = Unit.browse([u.id for u in to_move])
        self.log(f"{len(done)} move-ins completed, 1 in progress")

    def occupy(self):
        "Families live in most homes; some are let to tenants"
        Party = self.get('party.party')
        Resident = self.get('property.unit.resident')
        Unit = self.get('property.unit')
        rng = self.rng
        homes = [u for u in self.handed_over if u.type != 'parking']
        occupied, let, residents = [], [], []
        family_roles = [("配偶", 0.7), ("子女", 0.6), ("父母", 0.2)]
        people = []
        for unit in homes:
            draw = rng.random()
            if draw < 0.72:
                occupied.append(unit)
                owner = unit.residents[0] if unit.residents else None
                for relation, chance in family_roles:
                    if rng.random() < chance:
                        people.append((unit, 'family', relation,
                                owner.from_date if owner else None))
            elif draw < 0.87 or unit.type == 'shop':
                let.append(unit)
                people.append((unit, 'tenant', "租户",
                        self.today - dt.timedelta(days=rng.randint(30, 700))))
        parties = Party.create([{
                    'name': self.person_name(),
                    'contact_mechanisms': [('create', [{
                                    'type': 'mobile',
                                    'value': self.phone()}])],
                    } for _ in people])
        for party, (unit, role, relation, since) in zip(parties, people):
            residents.append({'unit': unit.id, 'party': party.id,
                    'role': role, 'relation': relation,
                    'from_date': since,
                    'emergency_contact': (unit.owner_names or '')[:20],
                    'emergency_phone': unit.owner_phone})
        for i in range(0, len(residents), 200):
            Resident.create(residents[i:i + 200])
        Unit.occupy(occupied)
        Unit.let(let)
        self.let_units = let
        self.log(f"{len(occupied)} homes occupied, {len(let)} let, "
            f"{len(residents)} family members and tenants")

    def move_out(self):
        """A tenant left last week: the tenant's move-out went through its
        checklist; the next tenant's move-in is at the desk, the lease seen
        and the owner's consent obtained"""
        Move = self.get('property.move')
        MoveLine = self.get('property.move.line')
        Party = self.get('party.party')
        unit = self.let_units[0]
        tenant = [r for r in unit.residents if r.role == 'tenant'][0]
        move, = Move.create([{'kind': 'tenant_out', 'unit': unit.id,
                    'party': tenant.party.id,
                    'date': self.today - dt.timedelta(days=6)}])
        MoveLine.write(list(move.lines), {'done': True})
        Move.complete([move])
        newcomer, = Party.create([{'name': self.person_name()}])
        move_in, = Move.create([{'kind': 'tenant_in', 'unit': unit.id,
                    'party': newcomer.id, 'date': self.today}])
        MoveLine.write([l for l in move_in.lines
                if l.step in {'lease_seen', 'owner_consent'}], {'done': True})
        self.log(f"tenant move-out completed for {unit.rec_name}, "
            "the next tenant's move-in in progress")

    def create_archives(self):
        "Owner files in the archive cabinet, and the borrow register"
        from trytond.transaction import Transaction
        Archive = self.get('property.archive')
        Loan = self.get('property.archive.loan')
        values = []
        for i, unit in enumerate(self.handed_over, 1):
            values.append({'site': unit.site.id,
                    'number': f'{unit.site.code}-OA-{i:04d}',
                    'name': f"业主档案 {unit.code} {unit.owner_names}"[:60],
                    'kind': 'owner', 'unit': unit.id,
                    'party': unit.ownerships[0].party.id,
                    'location': f"档案柜 {1 + i // 60} 第 {1 + i % 6} 层"})
        archives = []
        for i in range(0, len(values), 200):
            archives += Archive.create(values[i:i + 200])
        e = self.employees
        loans = Loan.create([
                {'archive': archives[0].id, 'borrower': e['front_desk_gc'].id,
                    'purpose': "核对业主信息",
                    'loan_date': self.today - dt.timedelta(days=12),
                    'due_date': self.today - dt.timedelta(days=5)},
                {'archive': archives[1].id, 'borrower': e['building_gc'].id,
                    'purpose': "装修备案查阅",
                    'loan_date': self.today - dt.timedelta(days=2),
                    'due_date': self.today + dt.timedelta(days=5)},
                {'archive': archives[2].id, 'borrower': e['front_desk_gc'].id,
                    'purpose': "补充房产证复印件",
                    'loan_date': self.today - dt.timedelta(days=20),
                    'due_date': self.today - dt.timedelta(days=13)},
                {'archive': archives[3].id, 'borrower': e['front_desk_gc'].id,
                    'purpose': "业主来访查询"},
                ])
        admin = self.get('res.user').search([('login', '=', 'admin')])[0]
        with Transaction().set_user(admin.id), \
                Transaction().set_context(
                    company=self.company.id, employee=admin.employee.id):
            Loan.approve(loans[:3])
            Loan.lend(loans[:3])
            Loan.return_(loans[2:3])
        self.log(f"{len(archives)} owner files, {len(loans)} loans "
            "(one overdue, one awaiting approval)")

    def inspect_vacant_units(self):
        Inspection = self.get('property.vacant.inspection')
        last_month = (self.today.replace(day=1) - dt.timedelta(days=1))
        previous = Inspection.create_monthly(last_month)
        for inspection in previous:
            inspection.inspector = self.employees['building_gc']
            inspection.date = last_month.replace(day=15)
            inspection.doors_windows = inspection.water_electricity = True
            inspection.no_leak = self.rng.random() < 0.9
            inspection.clean = True
            if not inspection.no_leak:
                inspection.findings = "卫生间顶棚有渗水痕迹, 已通知工程部"
        Inspection.save(previous)
        Inspection.do(previous)
        current = Inspection.create_monthly(self.today)
        self.log(f"vacant-unit inspections: {len(previous)} done last month, "
            f"{len(current)} planned this month")

    def finish_configuration(self):
        "Skip the module configuration wizard: the demo is configured"
        Item = self.get('ir.module.config_wizard.item')
        Item.write(Item.search([]), {'state': 'done'})


if __name__ == '__main__':
    sys.exit(main())
