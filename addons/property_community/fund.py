# This file is part of the property-management suite.
"""The maintenance fund (专项维修资金) and the common income (公共收益) of a
site, kept by finance in Tryton's accounting

These models need accounting and the finance group, both of property_billing:
they are registered only when property_billing is activated (extras_depend),
so that the owners' votes and the notices work without accounting.

Each site has its ledgers (accounts, journal, the deposit rate per m²). A
movement of the fund is a deposit of a home (its area × the site's rate),
interest credited to it, a top-up raised by the owners (续筹) or spending on
it; finance posts it, which posts an account move on the site's fund
account, its origin the movement (the home, the matter). A top-up needs a
matter raising the fund, spending a matter using it, of a closed meeting of
the same site that passed, and no more than the amount the matter approved
(Civil Code art. 278, items 5 and 6). The common income (advertising, parking
on common land, other) and its uses are posted the same way on the site's
common-income account; a quarterly statement prints them and, once the
manager publishes it, is the owners' to read (``published_statements``)."""
import datetime as dt
from decimal import Decimal

from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, office_today, rec_name_domain)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.site import user_site
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin, check_first)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

FUND_KINDS = [
    ('deposit', "Initial Deposit"),
    ('interest', "Interest"),
    ('raise', "Top-up Raised by the Owners"),
    ('spending', "Spending"),
    ]
# The kinds that credit the fund (the rest debit it)
FUND_CREDITS = {'deposit', 'interest', 'raise'}
# The matter kind of the owners' decision a movement needs
FUND_MATTER = {'raise': 'fund_raise', 'spending': 'fund_use'}
INCOME_KINDS = [
    ('advertising', "Advertising"),
    ('parking', "Parking on Common Land"),
    ('other', "Other Income"),
    ('use', "Use of the Income"),
    ]
POSTED_STATES = [
    ('draft', "Draft"),
    ('posted', "Posted"),
    ]
STATEMENT_STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ]
QUARTERS = [
    ('1', "Q1"),
    ('2', "Q2"),
    ('3', "Q3"),
    ('4', "Q4"),
    ]
ZERO = Decimal('0.00')


def quarter_dates(year, quarter):
    "The first and last day of the quarter ('1' to '4')"
    quarter = int(quarter)
    start = dt.date(year, 3 * quarter - 2, 1)
    if quarter == 4:
        end = dt.date(year, 12, 31)
    else:
        end = dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


class Ledger(CheckValuesMixin, ModelSQL, ModelView):
    "The accounts of a site's maintenance fund and common income"
    __name__ = 'property.community.ledger'
    __string__ = "Fund and Income Ledgers"
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    journal = fields.Many2One('account.journal', "Journal", required=True,
        ondelete='RESTRICT',
        help="The journal the fund's and the income's moves are posted in.")
    fund_account = fields.Many2One('account.account',
        "Maintenance Fund Account", required=True, ondelete='RESTRICT',
        domain=[('type', '!=', None), ('closed', '!=', True)],
        help="The account of the owners' maintenance fund (专项维修资金): "
        "credited by deposits and interest, debited by spending.")
    fund_bank_account = fields.Many2One('account.account',
        "Fund Bank Account", required=True, ondelete='RESTRICT',
        domain=[('type', '!=', None), ('closed', '!=', True)],
        help="The bank account the fund's money is kept on (专户).")
    deposit_rate = fields.Numeric("Deposit per m²", digits=(16, 2),
        required=True,
        help="The initial deposit of a home per m² of its area.")
    income_account = fields.Many2One('account.account',
        "Common Income Account", required=True, ondelete='RESTRICT',
        domain=[('type', '!=', None), ('closed', '!=', True)],
        help="The account of the owners' common income (公共收益).")
    income_bank_account = fields.Many2One('account.account',
        "Income Bank Account", required=True, ondelete='RESTRICT',
        domain=[('type', '!=', None), ('closed', '!=', True)],
        help="The account the common income is received on and paid from.")
    fund_balance = fields.Function(fields.Numeric("Fund Balance",
            digits=(16, 2)), 'get_balances')
    income_balance = fields.Function(fields.Numeric("Income Balance",
            digits=(16, 2)), 'get_balances')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_unique', Unique(t, t.site),
                'property_community.msg_ledger_site_unique'),
            ]

    @classmethod
    def default_site(cls):
        return user_site()

    @classmethod
    def default_deposit_rate(cls):
        return ZERO

    def get_rec_name(self, name):
        return self.site.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('site.name', 'site.code'))

    @classmethod
    def validate(cls, ledgers):
        super().validate(ledgers)
        for ledger in ledgers:
            company = ledger.site.company
            for name in ['fund_account', 'fund_bank_account',
                    'income_account', 'income_bank_account']:
                account = getattr(ledger, name)
                if account.company != company:
                    raise ValidationError(gettext(
                            'property_community.msg_ledger_account_company',
                            account=account.rec_name,
                            site=ledger.site.rec_name))
            if ledger.deposit_rate < 0:
                raise ValidationError(gettext(
                        'property_community.msg_ledger_rate_negative',
                        site=ledger.site.rec_name))

    @classmethod
    def of_site(cls, site):
        "The ledgers of the site, or a translated error"
        ledgers = cls.search([('site', '=', site.id)], limit=1)
        if not ledgers:
            raise UserError(gettext(
                    'property_community.msg_ledger_missing',
                    site=site.rec_name))
        return ledgers[0]

    @classmethod
    def get_balances(cls, ledgers, names):
        pool = Pool()
        FundMove = pool.get('property.community.fund.move')
        Income = pool.get('property.community.income')
        sites = [l.site.id for l in ledgers]
        result = {}
        if 'fund_balance' in names:
            balances = FundMove.site_balances(sites)
            result['fund_balance'] = {
                l.id: balances.get(l.site.id, ZERO) for l in ledgers}
        if 'income_balance' in names:
            balances = Income.site_balances(sites)
            result['income_balance'] = {
                l.id: balances.get(l.site.id, ZERO) for l in ledgers}
        return result


class PostedMixin(StampMixin, WorkflowGuardMixin, CheckValuesMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    """A movement finance enters as a draft and posts: the post creates
    and posts its account move, and the movement is fixed from then on"""
    __slots__ = ()
    _maintained_fields = ('move', 'posted_by', 'posted_at')
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    date = fields.Date("Date", required=True, states=_states)
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        states=_states)
    description = fields.Char("Description", states=_states)
    move = fields.Many2One('account.move', "Account Move", readonly=True,
        ondelete='RESTRICT')
    posted_by = fields.Many2One('res.user', "Posted by", readonly=True,
        ondelete='RESTRICT')
    posted_at = fields.DateTime("Posted at", readonly=True)
    state = fields.Selection(POSTED_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.site, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'posted')}
        cls._buttons.update({
                'post': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_site(cls):
        return user_site()

    @classmethod
    def default_date(cls):
        return office_today()

    @classmethod
    def validate(cls, records):
        super().validate(records)
        for record in records:
            if record.amount <= 0:
                raise ValidationError(gettext(
                        'property_community.msg_movement_amount_positive',
                        record=record.rec_name))

    @classmethod
    def delete(cls, records):
        for record in records:
            if record.state != 'draft':
                raise UserError(gettext(
                        'property_community.msg_movement_delete_posted',
                        record=record.rec_name))
        super().delete(records)

    @classmethod
    def copy(cls, records, default=None):
        default = dict(default or {})
        for name in cls._maintained_fields:
            default.setdefault(name, None)
        return super().copy(records, default=default)

    def _accounts(self, ledger):
        "(account, bank account) of the ledger for the movement"
        raise NotImplementedError

    def _credit(self):
        "Whether the movement credits its account (money in)"
        raise NotImplementedError

    def _move_description(self):
        return self.description or self.rec_name

    def get_move(self, ledger):
        "The account move of the movement, on the site's ledger"
        pool = Pool()
        Move = pool.get('account.move')
        Line = pool.get('account.move.line')
        Period = pool.get('account.period')
        company = self.site.company
        account, bank = self._accounts(ledger)
        description = self._move_description()
        amount = self.amount
        move = Move(company=company, journal=ledger.journal,
            period=Period.find(company, date=self.date), date=self.date,
            origin=self, description=description)
        if self._credit():
            debit, credit = bank, account
        else:
            debit, credit = account, bank
        move.lines = [
            Line(account=debit, debit=amount, credit=0,
                description=description),
            Line(account=credit, debit=0, credit=amount,
                description=description),
            ]
        return move

    @classmethod
    def check_post(cls, records):
        "The office's rules a movement keeps to be posted"

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    @check_first('check_post')
    def post(cls, records):
        pool = Pool()
        Ledger = pool.get('property.community.ledger')
        Move = pool.get('account.move')
        moves = []
        for record in records:
            move = record.get_move(Ledger.of_site(record.site))
            moves.append(move)
        Move.save(moves)
        Move.post(moves)
        for record, move in zip(records, moves):
            record.move = move
        cls.save(records)
        cls.stamp(records, by='posted_by', at='posted_at')

    @classmethod
    def _site_sums(cls, sites, key=None, where=None):
        """{(site, key): signed posted amount} summed in the database; the
        sign by _signed_amount"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        columns = [table.site] + ([getattr(table, key)] if key else [])
        result = {}
        for sub_ids in grouped_slice(sites):
            condition = (reduce_ids(table.site, sub_ids)
                & (table.state == 'posted'))
            if where is not None:
                condition &= where(table)
            cursor.execute(*table.select(*columns,
                    Sum(cls._signed_amount(table)),
                    where=condition, group_by=columns))
            for row in cursor:
                result[tuple(row[:-1]) if key else row[0]] = (
                    Decimal(str(row[-1] or 0)).quantize(Decimal('0.01')))
        return result

    @classmethod
    def site_balances(cls, sites):
        "{site id: balance of the posted movements}"
        return cls._site_sums(sites)


class FundMove(PostedMixin):
    "A movement of a home's maintenance fund"
    __name__ = 'property.community.fund.move'
    __string__ = "Maintenance Fund Movement"
    _states = {'readonly': Eval('state') != 'draft'}
    unit = fields.Many2One('property.unit', "Home", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('site', '=', Eval('site', -1))])
    kind = fields.Selection(FUND_KINDS, "Kind", required=True,
        states=_states)
    kind_string = kind.translated('kind')
    matter = fields.Many2One('property.assembly.matter', "Owners' Decision",
        ondelete='RESTRICT',
        domain=[
            ('assembly.site', '=', Eval('site', -1)),
            ('kind', 'in', list(FUND_MATTER.values())),
            ],
        states={
            'readonly': _states['readonly'],
            'invisible': ~Eval('kind').in_(list(FUND_MATTER)),
            },
        help="The matter of the owners' meeting that decided the top-up "
        "or the spending: it must have passed at a closed meeting of the "
        "site for the movement to be posted.")
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.unit, Index.Range())),
                Index(t, (t.matter, Index.Range())),
                })

    @staticmethod
    def default_kind():
        return 'deposit'

    @fields.depends('unit', 'site', '_parent_unit.site')
    def on_change_unit(self):
        if self.unit:
            self.site = self.unit.site

    @fields.depends('kind', 'unit', 'site', 'amount', '_parent_unit.area')
    def on_change_kind(self):
        "A deposit is the home's area at the site's rate"
        Ledger = Pool().get('property.community.ledger')
        if self.kind != 'deposit' or not self.unit or not self.site:
            return
        ledgers = Ledger.search([('site', '=', self.site.id)], limit=1)
        if ledgers and self.unit.area:
            self.amount = (self.unit.area * ledgers[0].deposit_rate
                ).quantize(Decimal('0.01'))

    @fields.depends(methods=['on_change_kind'])
    def on_change_site(self):
        self.on_change_kind()

    def get_rec_name(self, name):
        return f'{self.unit.rec_name} {self.kind_string} {self.amount}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('unit.code', 'description'))

    def _accounts(self, ledger):
        return ledger.fund_account, ledger.fund_bank_account

    def _credit(self):
        return self.kind in FUND_CREDITS

    def _move_description(self):
        parts = [self.unit.rec_name, self.kind_string]
        if self.matter:
            parts.append(self.matter.rec_name)
        if self.description:
            parts.append(self.description)
        return ' / '.join(parts)

    @classmethod
    def _signed_amount(cls, table):
        return Case((table.kind.in_(list(FUND_CREDITS)), table.amount),
            else_=-table.amount)

    @classmethod
    def unit_balances(cls, units):
        "{unit id: the home's fund balance of the posted movements}"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {u.id: ZERO for u in units}
        for sub_ids in grouped_slice([u.id for u in units]):
            cursor.execute(*table.select(table.unit,
                    Sum(cls._signed_amount(table)),
                    where=reduce_ids(table.unit, sub_ids)
                    & (table.state == 'posted'),
                    group_by=[table.unit]))
            for unit_id, amount in cursor:
                result[unit_id] = Decimal(str(amount or 0)).quantize(
                    Decimal('0.01'))
        return result

    @classmethod
    def matter_used(cls, matters, exclude=()):
        "{matter id: the amount posted against the matter}"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {m.id: ZERO for m in matters}
        where = reduce_ids(table.matter, list(result)) & (
            table.state == 'posted')
        if exclude:
            where &= ~reduce_ids(table.id, list(exclude))
        cursor.execute(*table.select(table.matter, Sum(table.amount),
                where=where, group_by=[table.matter]))
        for matter_id, amount in cursor:
            result[matter_id] = Decimal(str(amount or 0)).quantize(
                Decimal('0.01'))
        return result

    @classmethod
    def check_post(cls, records):
        """A top-up or spending only under a matter of the same site that
        passed at a closed meeting, of the right kind, and within what it
        approved (counting what was posted against it before)"""
        Matter = Pool().get('property.assembly.matter')
        for record in records:
            if record.unit.site != record.site:
                raise UserError(gettext(
                        'property_community.msg_fund_unit_site',
                        unit=record.unit.rec_name,
                        site=record.site.rec_name))
            wanted = FUND_MATTER.get(record.kind)
            if not wanted:
                continue
            matter = record.matter
            if not matter:
                raise UserError(gettext(
                        'property_community.msg_fund_no_matter',
                        record=record.rec_name,
                        kind=record.kind_string))
            if (matter.kind != wanted
                    or matter.assembly.site != record.site
                    or matter.assembly.state != 'closed'
                    or matter.result != 'passed'):
                raise UserError(gettext(
                        'property_community.msg_fund_matter_not_passed',
                        record=record.rec_name,
                        matter=matter.rec_name,
                        kind=record.kind_string))
        matters = list({r.matter for r in records if r.matter})
        if not matters:
            return
        # two posts against one matter at once wait for each other
        Matter.lock(matters)
        used = cls.matter_used(matters, exclude=[r.id for r in records])
        for record in records:
            if record.matter:
                used[record.matter.id] += record.amount
        for matter in matters:
            approved = matter.fund_amount or ZERO
            if used[matter.id] > approved:
                raise UserError(gettext(
                        'property_community.msg_fund_above_approved',
                        matter=matter.rec_name,
                        approved=approved,
                        amount=used[matter.id]))


class Matter(metaclass=PoolMeta):
    __name__ = 'property.assembly.matter'
    fund_amount = fields.Numeric("Fund Amount", digits=(16, 2),
        states={
            'readonly': Eval('assembly_state') != 'draft',
            'invisible': ~Eval('kind').in_(['fund_use', 'fund_raise']),
            },
        help="The amount of the maintenance fund the owners are asked to "
        "approve: to raise, or to spend.")
    fund_used = fields.Function(fields.Numeric("Fund Posted",
            digits=(16, 2),
            states={
                'invisible': ~Eval('kind').in_(['fund_use', 'fund_raise']),
                }),
        'get_fund_used')

    @classmethod
    def get_fund_used(cls, matters, name):
        FundMove = Pool().get('property.community.fund.move')
        return FundMove.matter_used(matters)

    @classmethod
    def validate(cls, matters):
        super().validate(matters)
        for matter in matters:
            if matter.fund_amount is not None and matter.fund_amount < 0:
                raise ValidationError(gettext(
                        'property_community.msg_matter_fund_negative',
                        matter=matter.rec_name))


class Unit(metaclass=PoolMeta):
    __name__ = 'property.unit'
    fund_balance = fields.Function(fields.Numeric("Maintenance Fund",
            digits=(16, 2),
            help="The home's balance of the maintenance fund (专项维修资金): "
            "its posted deposits, interest and top-ups less its spending."),
        'get_fund_balance')

    @classmethod
    def get_fund_balance(cls, units, name):
        FundMove = Pool().get('property.community.fund.move')
        return FundMove.unit_balances(units)


class Income(PostedMixin):
    "An entry of a site's common income or of its use"
    __name__ = 'property.community.income'
    __string__ = "Common Income Entry"
    kind = fields.Selection(INCOME_KINDS, "Kind", required=True,
        states={'readonly': Eval('state') != 'draft'})
    kind_string = kind.translated('kind')

    @staticmethod
    def default_kind():
        return 'advertising'

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.kind_string} {self.amount}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('site.name', 'description'))

    def _accounts(self, ledger):
        return ledger.income_account, ledger.income_bank_account

    def _credit(self):
        return self.kind != 'use'

    def _move_description(self):
        parts = [self.site.rec_name, self.kind_string]
        if self.description:
            parts.append(self.description)
        return ' / '.join(parts)

    @classmethod
    def _signed_amount(cls, table):
        return Case((table.kind == 'use', -table.amount),
            else_=table.amount)


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'property.community.fund.move', 'property.community.income']


class IncomeStatement(StampMixin, WorkflowGuardMixin, CheckValuesMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    """The quarterly statement of a site's common income: what came in by
    kind, what was used, the balance; published to the owners by the
    manager"""
    __name__ = 'property.community.income.statement'
    __string__ = "Common Income Statement"
    _maintained_fields = ('published_by', 'published_at')
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    year = fields.Integer("Year", required=True, states=_states)
    quarter = fields.Selection(QUARTERS, "Quarter", required=True,
        states=_states)
    quarter_string = quarter.translated('quarter')
    start_date = fields.Function(fields.Date("From"), 'get_dates')
    end_date = fields.Function(fields.Date("To"), 'get_dates')
    opening = fields.Function(fields.Numeric("Opening Balance",
            digits=(16, 2)), 'get_figures')
    income = fields.Function(fields.Numeric("Income", digits=(16, 2)),
        'get_figures')
    used = fields.Function(fields.Numeric("Used", digits=(16, 2)),
        'get_figures')
    closing = fields.Function(fields.Numeric("Closing Balance",
            digits=(16, 2)), 'get_figures')
    published = fields.Function(fields.Boolean("Published"),
        'on_change_with_published', searcher='search_published')
    published_by = fields.Many2One('res.user', "Published by",
        readonly=True, ondelete='RESTRICT')
    published_at = fields.DateTime("Published at", readonly=True)
    state = fields.Selection(STATEMENT_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_quarter_unique', Unique(t, t.site, t.year, t.quarter),
                'property_community.msg_statement_unique'),
            ]
        cls._order = [('year', 'DESC'), ('quarter', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'published')}
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_site(cls):
        return user_site()

    @classmethod
    def default_year(cls):
        return office_today().year

    @classmethod
    def default_quarter(cls):
        return str((office_today().month - 1) // 3 + 1)

    @fields.depends('state')
    def on_change_with_published(self, name=None):
        return self.state == 'published'

    @classmethod
    def search_published(cls, name, clause):
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return [('state', '=', 'published')]
        return [('state', '!=', 'published')]

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.year} {self.quarter_string}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('site.name',))

    def get_dates(self, name):
        start, end = quarter_dates(self.year, self.quarter)
        return start if name == 'start_date' else end

    def entries(self):
        "The posted entries of the quarter, by date"
        Income = Pool().get('property.community.income')
        start, end = quarter_dates(self.year, self.quarter)
        return Income.search([
                ('site', '=', self.site.id),
                ('state', '=', 'posted'),
                ('date', '>=', start),
                ('date', '<=', end),
                ], order=[('date', 'ASC'), ('id', 'ASC')])

    def by_kind(self):
        "[(kind label, amount)] of the quarter's income, in the kinds' order"
        Income = Pool().get('property.community.income')
        totals = {}
        for entry in self.entries():
            if entry.kind != 'use':
                totals[entry.kind] = totals.get(entry.kind, ZERO) + \
                    entry.amount
        labels = dict(Income.fields_get(['kind'])['kind']['selection'])
        return [(labels[k], totals[k]) for k, _ in INCOME_KINDS
            if k in totals]

    @classmethod
    def get_figures(cls, statements, names):
        Income = Pool().get('property.community.income')
        result = {n: {} for n in names}
        for statement in statements:
            start, end = quarter_dates(statement.year, statement.quarter)
            site = statement.site.id
            before = Income._site_sums([site],
                where=lambda t: t.date < start).get(site, ZERO)
            sums = Income._site_sums([site], key='kind',
                where=lambda t: (t.date >= start) & (t.date <= end))
            income = sum((v for (_, k), v in sums.items() if k != 'use'),
                ZERO)
            used = -sums.get((site, 'use'), ZERO)
            figures = {
                'opening': before,
                'income': income,
                'used': used,
                'closing': before + income - used,
                }
            for name in names:
                result[name][statement.id] = figures[name]
        return result

    @classmethod
    def validate(cls, statements):
        super().validate(statements)
        for statement in statements:
            if not 2000 <= statement.year <= 2100:
                raise ValidationError(gettext(
                        'property_community.msg_statement_year',
                        year=statement.year))

    @classmethod
    def delete(cls, statements):
        for statement in statements:
            if statement.state != 'draft':
                raise UserError(gettext(
                        'property_community.msg_statement_delete_published',
                        statement=statement.rec_name))
        super().delete(statements)

    @classmethod
    def check_quarter_ended(cls, statements):
        "A quarter's statement is published once the quarter has ended"
        for statement in statements:
            _, end = quarter_dates(statement.year, statement.quarter)
            if office_today(statement.site.company) <= end:
                raise UserError(gettext(
                        'property_community.msg_statement_quarter_open',
                        statement=statement.rec_name, end=end))

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    @check_first('check_quarter_ended')
    def publish(cls, statements):
        cls.stamp(statements, by='published_by', at='published_at')

    @classmethod
    def published_statements(cls, site):
        """The statements of the site published to its owners, the latest
        first (for the owners' portal)"""
        return cls.search([
                ('site', '=', site.id),
                ('state', '=', 'published'),
                ], order=[('year', 'DESC'), ('quarter', 'DESC')])


class IncomeStatementReport(HTMLReport):
    "Common Income Statement (公共收益季度公示)"
    __name__ = 'property.community.income.statement.report'

    @classmethod
    def record_company(cls, record):
        return record.site.company
