# This file is part of the property-management suite.
"""Who may do what, across the suite's addons

- the access matrix of every suite group on every suite model is the one
  written down in docs/ACCESS.md (regenerate it with
  ``.venv/bin/python tests/test_security.py`` after a deliberate change,
  and review the diff);
- staff of one site read nothing of another site;
- identity numbers are unreadable to the front desk, who cannot post
  invoices nor change appraisals;
- posted invoices and accounting moves cannot be changed or deleted."""
import os

if __name__ == '__main__':
    os.environ.setdefault('DB_NAME', ':memory:')

import datetime as dt  # noqa: E402
import re
import sys
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model import fields
from trytond.pool import Pool
from trytond.modules.property_base.tests.tools import (
    SUITE_MODULES, with_transaction)
from trytond.tests.test_tryton import (DB_NAME, USER, activate_module,
    drop_db)
from trytond.transaction import Transaction

# every addon of the suite
MODULES = SUITE_MODULES
# Models of other modules the suite grants rights on
EXTRA_MODELS = ['account.dunning.fee.dunning_level',
    'account.invoice', 'account.invoice.line',
    'company.employee', 'stock.move']
# Models of the suite that need no check of the types of the values sent
# over RPC (property_base.common.CheckValuesMixin), and why. Every other
# model the suite registers must have it (test_values_type_guarded).
_VIEW = ("not stored: a wizard's form, whose values reach no table; the "
    "guard hooks the storing of values (preprocess_values)")
_QUERY = ("a report computed by an SQL query: nothing is created or "
    "written, only read")
_TRYTON = ("Tryton's own model, which the suite extends: Tryton checks the "
    "values of its models, the suite's guard is for the suite's models")
TYPE_GUARD_EXEMPT = {
    **dict.fromkeys([
            'property.billing.run.create.start',
            'property.counter.start',
            'property.decoration.check_pass.result',
            'property.decoration.check_pass.start',
            'property.portal.check_guest_pass.result',
            'property.portal.check_guest_pass.start',
            'property.prepayment.receive.start',
            'property.statement.print.start',
            'property.ticket.correct_level.start',
            'property.training.contest_due.context',
            'property.training.shortfall.context',
            'property.billing.opening.import.start',
            'property.billing.opening.import.errors',
            ], _VIEW),
    **dict.fromkeys([
            'property.arrears.ageing',
            'property.collection.rate',
            'property.collection.rate.fee',
            'property.collection.rate.site',
            'property.counter.takings',
            'property.decoration.statistics',
            'property.decoration.violation.statistics',
            'property.estate.node',
            'property.helpdesk.complaint_cause',
            'property.helpdesk.kpi',
            'property.helpdesk.kpi.company',
            'property.parking.offender',
            'property.site.occupancy',
            'property.ticket.site.load',
            'property.training.contest_due',
            'property.training.shortfall',
            'property.collection.debtor',
            'property.collection.rate.collector',
            ], _QUERY),
    **dict.fromkeys([
            'account.dunning.fee',
            'account.dunning.fee.dunning_level',
            'account.invoice',
            'account.invoice.line',
            'account.move',
            'account.move.line',
            'company.company',
            'company.employee',
            'ir.action.keyword',
            'ir.cron',
            'ir.date',
            'ir.rule',
            'ir.ui.view',
            'party.party',
            'res.group',
            'res.notification',
            'res.user',
            'res.user-res.group',
            'stock.move',
            'web.user',
            ], _TRYTON),
    }
DOC = os.path.join(os.path.dirname(__file__), os.pardir, 'docs',
    'ACCESS.md')
RIGHTS = [('read', 'R'), ('write', 'W'), ('create', 'C'), ('delete', 'D')]


def suite_groups():
    "The suite's groups, as (xml id, group)"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Group = pool.get('res.group')
    data = ModelData.search([
            ('module', 'in', MODULES), ('model', '=', 'res.group')],
        order=[('module', 'ASC'), ('fs_id', 'ASC')])
    return [(f'{d.module}.{d.fs_id}', Group(d.db_id)) for d in data]


def suite_models():
    IrModel = Pool().get('ir.model')
    models = IrModel.search([('module', 'in', MODULES)],
        order=[('name', 'ASC')])
    return sorted({m.name for m in models
            if not Pool().get(m.name).__name__.endswith('.start')}
        | set(EXTRA_MODELS))


def access_matrix(company):
    """{model: {group xml id: 'RWCD'}}: the rights of a user who is only
    in that group"""
    pool = Pool()
    User = pool.get('res.user')
    ModelAccess = pool.get('ir.model.access')
    models = suite_models()
    matrix = {m: {} for m in models}
    for xml_id, group in suite_groups():
        user, = User.create([{'name': xml_id, 'login': xml_id,
                    'groups': [('add', [group.id])],
                    'companies': [('add', [company.id])],
                    'company': company.id}])
        with Transaction().set_user(user.id):
            rights = ModelAccess.get_access(models)
        for model in models:
            matrix[model][xml_id] = ''.join(
                letter for name, letter in RIGHTS if rights[model][name])
    return matrix


def write_doc(matrix):
    groups = sorted({g for rights in matrix.values() for g in rights})
    short = [g.split('.', 1)[1].replace('group_property_', '')
        for g in groups]
    lines = [
        "# Access rights of the suite",
        "",
        "Rights of a user who is in one group only (R read, W write, "
        "C create, D delete; — none). Record rules confine the site "
        "groups to the sites assigned to the user (*Own sites*); "
        "administration, finance and HR see all sites. A state change "
        "(`property.state.change`) is read with its record only: by who "
        "may read the record's model and passes its record rules. "
        "`tests/test_security.py` checks the running rights against this "
        "table; regenerate it with `.venv/bin/python "
        "tests/test_security.py` after a deliberate change.",
        "",
        "Groups: " + ", ".join(f"`{s}` = {g}" for s, g in zip(short, groups)),
        "",
        "| model | " + " | ".join(short) + " |",
        "| --- |" + " --- |" * len(short),
        ]
    for model in sorted(matrix):
        lines.append(f"| `{model}` | " + " | ".join(
                matrix[model][g] or '—' for g in groups) + " |")
    os.makedirs(os.path.dirname(DOC), exist_ok=True)
    with open(DOC, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def read_doc():
    matrix = {}
    with open(DOC) as f:
        text = f.read()
    groups = dict(re.findall(r"`([a-z_]+)` = ([a-z_]+\.[a-z_]+)", text))
    header = None
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if cells[0] == 'model':
            header = [groups[c] for c in cells[1:]]
        elif header and cells[0].startswith('`'):
            matrix[cells[0].strip('`')] = {g: ('' if c == '—' else c)
                for g, c in zip(header, cells[1:])}
    return matrix


class SecurityTestCase(unittest.TestCase):
    "Test rights and rules across the suite"

    @classmethod
    def setUpClass(cls):
        # as Tryton's ModuleTestCase: a database of these modules, not the
        # one an earlier test class left (activating the suite on top of
        # it took 114 s of the PostgreSQL run)
        drop_db()
        activate_module(MODULES)

    def estate(self):
        """Two sites billed for the month, a ticket on each, a front desk
        clerk of the first"""
        from trytond.modules.property_billing.tests.tools import (
            MONTH, bill, create_estate)
        from trytond.modules.company.tests import set_company
        pool = Pool()
        Assignment = pool.get('property.fee.assignment')
        Run = pool.get('property.billing.run')
        Ticket = pool.get('property.ticket')
        User = pool.get('res.user')
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')
        Department = pool.get('property.department')
        Category = pool.get('property.ticket.category')
        first = create_estate()
        company = first['company']
        second = create_estate("River View", 'RV', company=company)
        with set_company(company):
            department, = Department.create([{'name': "Service",
                        'company': company.id}])
            category, = Category.create([{'name': "Noise", 'code': 'NOI',
                        'department': department.id}])
            for estate in [first, second]:
                Assignment.create([{
                            'fee_type': estate['fee_types']['PF'].id,
                            'site': estate['site'].id,
                            'rate': Decimal('1.85'),
                            'start_date': MONTH - dt.timedelta(days=400),
                            }])
                Ticket.create([{'company': company.id,
                            'site': estate['site'].id,
                            'unit': estate['units'][0].id,
                            'reporter': estate['owners'][0].id,
                            'channel': 'phone', 'kind': 'repair_unit',
                            'category': category.id,
                            'description': "Leaking pipe"}])
            run, = Run.create([{'company': company.id, 'month': MONTH,
                        'invoice_date': MONTH}])
            bill(run)
            Application = pool.get('property.decoration.application')
            Application.create([{'company': company.id,
                        'unit': estate['units'][1].id,
                        'owner': estate['owners'][1].id,
                        'planned_start': MONTH,
                        'planned_end': MONTH + dt.timedelta(days=30)}
                    for estate in [first, second]])
            Party.write(first['owners'], {'identity_number': '110101'})
        clerk, = User.create([{'name': "clerk", 'login': 'clerk',
                    'groups': [('add', [ModelData.get_id('property_base',
                                        'group_property_front_desk')])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'property_sites': [('add', [first['site'].id])],
                    }])
        return first, second, clerk

    @with_transaction()
    def test_access_matrix(self):
        "The rights of every group on every model are the documented ones"
        from trytond.modules.company.tests import create_company
        company = create_company()
        self.assertEqual(access_matrix(company), read_doc())

    @with_transaction()
    def test_links_readable(self):
        """Every group reads the suite records its own records point to: a
        link to a model the user cannot read vanishes from the client's
        form (HR's training sessions lost their site, engineering's
        tickets their unit). Links, models and groups of new models join
        automatically; the blind spots left are deliberate, each with its
        reason."""
        from trytond.modules.company.tests import create_company
        pool = Pool()
        company = create_company()
        matrix = access_matrix(company)
        deliberate = {
            # the suite's administration group is not an accountant:
            # Tryton's Accounting group gives the invoices
            ('group_property_admin', 'account.invoice'),
            # how appraisals are built is HR's; staff read their results
            ('group_property_front_desk', 'property.appraisal.template'),
            ('group_property_building_manager',
                'property.appraisal.template'),
            # billing runs are finance's back office; a billing line
            # shows its invoice
            ('group_property_front_desk', 'property.billing.run'),
            ('group_property_building_manager', 'property.billing.run'),
            # engineering repairs; complaints and renovations are not its
            ('group_property_engineering', 'property.collective_issue'),
            ('group_property_engineering',
                'property.decoration.application'),
            }
        blind = []
        for model in matrix:
            if '-' in model:
                # a relation table is read through the links it joins
                continue
            Model = pool.get(model)
            for name, field in Model._fields.items():
                target = getattr(field, 'model_name', None)
                if field._type != 'many2one' or target not in matrix:
                    continue
                for group, rights in matrix[model].items():
                    if ('R' in rights and 'R' not in matrix[target][group]
                            and (group.split('.')[1], target)
                            not in deliberate):
                        blind.append(f'{group}: {model}.{name} -> {target}')
        self.maxDiff = None
        self.assertEqual(sorted(blind), [])

    @with_transaction()
    def test_front_desk(self):
        """A front desk clerk of one site: nothing of the other site, no
        identity numbers, no posting, no appraisal changes"""
        pool = Pool()
        Unit = pool.get('property.unit')
        Ticket = pool.get('property.ticket')
        Invoice = pool.get('account.invoice')
        Party = pool.get('party.party')
        ModelAccess = pool.get('ir.model.access')
        Application = pool.get('property.decoration.application')
        Button = pool.get('ir.model.button')
        first, second, clerk = self.estate()
        company = first['company']
        transaction = Transaction()
        others = {
            Unit: second['units'],
            Ticket: Ticket.search([('site', '=', second['site'].id)]),
            Invoice: Invoice.search(
                [('property_site', '=', second['site'].id)]),
            Application: Application.search(
                [('unit.site', '=', second['site'].id)]),
            }
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=company.id):
            self.assertEqual(
                {u.site for u in Unit.search([])}, {first['site']})
            self.assertEqual(
                {t.site for t in Ticket.search([])}, {first['site']})
            invoices = Invoice.search([])
            self.assertEqual(len(invoices), 4)
            self.assertEqual(
                {i.property_site for i in invoices}, {first['site']})
            for Model, records in others.items():
                self.assertTrue(records)
                with self.assertRaises(UserError):
                    Model.read([r.id for r in records], ['id'])
            with self.assertRaises(UserError):
                Party.read([first['owners'][0].id], ['identity_number'])
            # ... yet reads the rest of the owner's record as a client
            # reading every eagerly loaded field does (proteus, scripts)
            eager = [n for n, d in Party.fields_get().items()
                if d.get('loading') == 'eager']
            owner, = Party.read([first['owners'][0].id], eager)
            self.assertNotIn('identity_number', owner)
            with self.assertRaises(UserError):
                Invoice.post(invoices)
            self.assertEqual({a.unit.site for a in Application.search([])},
                {first['site']})
            # a renovation is approved by the manager, settled by finance
            for button in ['approve', 'reject', 'settle', 'close']:
                self.assertFalse(
                    Button.get_groups('property.decoration.application',
                        button) & {g.id for g in clerk.groups}, button)
            self.assertTrue(
                Button.get_groups('property.decoration.application', 'submit')
                & {g.id for g in clerk.groups})
            ModelAccess.check('property.appraisal', 'read')
            for mode in ['write', 'create', 'delete']:
                with self.assertRaises(UserError):
                    ModelAccess.check('property.appraisal', mode)

    @with_transaction()
    def test_engineering(self):
        """A technician of engineering sees the site, building and unit of
        the work orders he is sent to, of his own site only"""
        from trytond.modules.property_base.tests.tools import create_staff
        pool = Pool()
        Unit = pool.get('property.unit')
        Site = pool.get('property.site')
        Building = pool.get('property.building')
        WorkOrder = pool.get('property.work_order')
        Ticket = pool.get('property.ticket')
        first, second, _ = self.estate()
        company = first['company']
        technician = create_staff("Plumber", 'plumber',
            'property_helpdesk.group_property_engineering', company,
            [first['site']])
        transaction = Transaction()
        with transaction.set_user(technician.id), \
                transaction.set_context(_check_access=True,
                    company=company.id):
            self.assertIn('site', list(WorkOrder.fields_get()))
            self.assertIn('unit', list(Ticket.fields_get()))
            self.assertEqual(
                {u.site for u in Unit.search([])}, {first['site']})
            self.assertEqual(Site.search([]), [first['site']])
            self.assertEqual(
                {b.site for b in Building.search([])}, {first['site']})
            ticket, = Ticket.search([])
            self.assertEqual(ticket.unit.rec_name,
                first['units'][0].rec_name)
            with self.assertRaises(UserError):
                Unit.read([u.id for u in second['units']], ['id'])
            with self.assertRaises(UserError):
                Unit.write(first['units'][:1], {'area': Decimal(1)})

    @with_transaction()
    def test_restricted_fields_lazy(self):
        """A field some staff may not read is loaded only when asked for:
        a client reading a whole record does not hit it (finance reading a
        dunning's party by script was refused for the owner's identity
        number)"""
        pool = Pool()
        FieldAccess = pool.get('ir.model.field.access')
        restricted = FieldAccess.search([('perm_read', '=', False)])
        self.assertTrue(restricted)
        for access in restricted:
            Model = pool.get(access.model)
            field = Model._fields[access.field]
            self.assertEqual(field.loading, 'lazy',
                f'{Model.__name__}.{field.name}')

    @with_transaction()
    def test_posted_is_final(self):
        "Posted invoices and moves cannot be changed or deleted"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        first, _, _ = self.estate()
        invoice, = Invoice.search([
                ('property_unit', '=', first['units'][0].id)])
        self.assertEqual(invoice.state, 'posted')
        move = invoice.move
        self.assertEqual(move.state, 'posted')
        for call in [
                lambda: Invoice.write([invoice],
                    {'invoice_date': invoice.invoice_date
                        - dt.timedelta(days=1)}),
                lambda: Invoice.delete([invoice]),
                lambda: Move.write([move], {'date': move.date
                        - dt.timedelta(days=1)}),
                lambda: Move.delete([move]),
                lambda: MoveLine.write([move.lines[0]],
                    {'debit': move.lines[0].debit + 1}),
                lambda: MoveLine.delete([move.lines[0]]),
                ]:
            with self.assertRaises(UserError):
                call()

    @with_transaction()
    def test_buttons_check_access_first(self):
        """Every button of the suite, overridden or not, checks the
        clicking user's access first and then runs without it: an override
        that forgets @ModelView.button runs its own code with the user's
        rights on every model it reads (finance pressing Process read the
        work orders). Buttons of new models join automatically."""
        from trytond.model import ModelView
        pool = Pool()
        guards = {
            ModelView.button(lambda cls, records: None).__code__,
            ModelView.button_action('ir.act')(
                lambda cls, records: None).__code__,
            }
        unguarded = []
        for name, Model in pool.iterobject():
            for button in getattr(Model, '_buttons', {}):
                owner = next((k for k in Model.__mro__
                        if button in k.__dict__), None)
                if (owner is None or not owner.__module__.startswith(
                            'trytond.modules.property_')):
                    continue
                func = getattr(Model, button)
                func = getattr(func, '__func__', func)
                if func.__code__ not in guards:
                    unguarded.append(f'{name}.{button} ({owner.__module__})')
        self.assertEqual(unguarded, [])


    @with_transaction()
    def test_values_type_guarded(self):
        """Every model the suite's addons register refuses values of the
        wrong type sent over RPC with a user error (CheckValuesMixin), or
        is listed in TYPE_GUARD_EXEMPT for a reason that holds. Models of
        new addons join automatically."""
        from trytond.model import ModelStorage
        from trytond.model.exceptions import ValidationError
        from trytond.modules.property_base.common import CheckValuesMixin
        pool = Pool()
        import importlib
        names = set()
        for module in MODULES:
            # registered from tryton.cfg as 'file.Class'
            for cls in Pool.classes['model'].get(module, {}):
                if isinstance(cls, str):
                    path, _, attr = cls.rpartition('.')
                    cls = getattr(importlib.import_module(
                            f'trytond.modules.{module}.{path}'), attr)
                names.add(cls.__name__)
        self.assertGreater(len(names), 100)
        unguarded, checked = {}, 0
        for name in sorted(names):
            Model = pool.get(name)
            if not issubclass(Model, CheckValuesMixin):
                # the reason given is the model's
                origin = [k.__module__ for k in Model.__mro__
                    if k.__dict__.get('__name__') == name][-1]
                if not origin.startswith('trytond.modules.property_'):
                    unguarded[name] = _TRYTON
                elif not issubclass(Model, ModelStorage):
                    unguarded[name] = _VIEW
                elif callable(getattr(Model, 'table_query', None)):
                    unguarded[name] = _QUERY
                else:
                    unguarded[name] = "stores values without the guard"
                continue
            # and the guard answers: a text for a number or a link, a
            # number for a text
            for fname, field in sorted(Model._fields.items()):
                if isinstance(field, fields.Function) or fname in {
                        'id', 'create_uid', 'write_uid', 'create_date',
                        'write_date'}:
                    continue
                if isinstance(field, (fields.Many2One, fields.Integer,
                            fields.Numeric, fields.Float, fields.Date)):
                    wrong = 'x'
                elif isinstance(field, (fields.Char, fields.Text)):
                    wrong = 1
                else:
                    continue
                with self.subTest(model=name, field=fname):
                    with self.assertRaises(ValidationError) as raised:
                        Model.preprocess_values('create', {fname: wrong})
                    self.assertIn(repr(wrong), raised.exception.message)
                checked += 1
                break
        # name the models to guard or to list, and the stale entries
        self.maxDiff = None
        self.assertEqual(
            sorted(f"{n}: {r}" for n, r in unguarded.items()
                if TYPE_GUARD_EXEMPT.get(n) != r),
            [], "unguarded models not (or not so) in TYPE_GUARD_EXEMPT")
        self.assertEqual(
            sorted(set(TYPE_GUARD_EXEMPT) - set(unguarded)), [],
            "stale entries of TYPE_GUARD_EXEMPT")
        self.assertGreater(checked, 60)

if __name__ == '__main__':
    # Regenerate docs/ACCESS.md from the modules' data
    os.environ.setdefault('DB_NAME', ':memory:')
    activate_module(MODULES)
    from trytond.modules.company.tests import create_company
    with Transaction().start(DB_NAME, USER, context={}) as transaction:
        write_doc(access_matrix(create_company()))
        transaction.rollback()
    print(f"wrote {os.path.normpath(DOC)}", file=sys.stderr)
