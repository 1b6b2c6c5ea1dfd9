# This file is part of the property-management suite.
"""Owners' assembly votes (业主大会表决), Civil Code art. 278

A meeting of a site's owners decides on its matters. The electorate is
fixed when the manager opens the meeting: the owners of the site's units on
the record date (权益登记日). Each owner counts once by head and with the
exclusive area (the registered gross floor area) of all their units;
co-owners of a unit share its area and cast one ballot for it. Owners linked
through a unit they own together are one voter: the owners of the unit, one
head, the area of all their units.

Participation must reach 2/3 of the area and 2/3 of the heads (参与表决:
专有部分面积占比三分之二以上且人数占比三分之二以上); an ordinary matter
passes with more than half of the participating area and more than half of
the participating heads (过半数), a special one (raising or using the
maintenance fund, rebuilding, changing the use of common parts or running a
business on them) with 3/4 of both (四分之三以上).

The arithmetic is exact: areas are summed in hundredths of a square metre
(integers, also on SQLite, whose SUM of decimals is a float) and compared as
fractions."""
from collections import defaultdict, namedtuple
from decimal import Decimal
from fractions import Fraction

from sql.aggregate import Count, Sum

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.site import site_from, user_site
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin, check_first, external_call)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

ASSEMBLY_STATES = [
    ('draft', "Draft"),
    ('open', "Open"),
    ('closed', "Closed"),
    ]
# Civil Code art. 278, items (1) to (9)
MATTER_KINDS = [
    ('rules', "Rules of Procedure of the Assembly"),
    ('statute', "Management Statute"),
    ('committee', "Election of the Owners' Committee"),
    ('manager', "Hiring or Dismissing the Property Manager"),
    ('fund_use', "Using the Maintenance Fund"),
    ('fund_raise', "Raising the Maintenance Fund"),
    ('rebuild', "Rebuilding Buildings or Facilities"),
    ('common_use', "Changing the Use of Common Parts"),
    ('common_business', "Running a Business on Common Parts"),
    ('other', "Other Major Matter of Common Ownership"),
    ]
# The special matters: Civil Code art. 278, para. 2, items (6) to (8):
# raising the fund, rebuilding, changing the use of common parts or running
# a business on them (3/4 of both). Using the fund, item (5), is an
# ordinary matter (more than half of both).
SPECIAL_KINDS = {'fund_raise', 'rebuild', 'common_use', 'common_business'}
CHOICES = [
    ('for', "For"),
    ('against', "Against"),
    ('abstain', "Abstain"),
    ]
RESULTS = [
    (None, ""),
    ('passed', "Passed"),
    ('rejected', "Rejected"),
    ('no_quorum', "Participation Too Low"),
    ]
QUORUM = Fraction(2, 3)
ORDINARY = Fraction(1, 2)
SPECIAL = Fraction(3, 4)

# Heads are integers; areas are integers of hundredths of a square metre
Tally = namedtuple('Tally', [
        'electorate_heads', 'electorate_area',
        'voted_heads', 'voted_area',
        'for_heads', 'for_area',
        'against_heads', 'against_area',
        'abstain_heads', 'abstain_area'])


def ratio(part, whole):
    "part / whole as an exact fraction, 0 of nothing"
    return Fraction(part, whole) if whole else Fraction(0)


def quorum_reached(tally):
    """Art. 278 para. 2: owners with 2/3 of the exclusive area and 2/3 of
    the heads take part in the vote"""
    return (tally.electorate_heads > 0
        and ratio(tally.voted_area, tally.electorate_area) >= QUORUM
        and ratio(tally.voted_heads, tally.electorate_heads) >= QUORUM)


def decide(tally, special):
    """The result of a matter: 'no_quorum', 'passed' or 'rejected'.
    Ordinary: more than half of the participating area and heads (过半数);
    special: 3/4 of both (四分之三以上)."""
    if not quorum_reached(tally):
        return 'no_quorum'
    area = ratio(tally.for_area, tally.voted_area)
    heads = ratio(tally.for_heads, tally.voted_heads)
    if special:
        passed = area >= SPECIAL and heads >= SPECIAL
    else:
        passed = area > ORDINARY and heads > ORDINARY
    return 'passed' if passed else 'rejected'


def hundredths(area):
    "An area in m² (Decimal) as an integer of hundredths of a m²"
    return int((Decimal(area) * 100).to_integral_value())


def square_metres(value):
    "Hundredths of a m² back as a Decimal area in m²"
    return (Decimal(value or 0) / 100).quantize(Decimal('0.01'))


def percent(part, whole):
    "part / whole in per cent, rounded to 2 places, for display only"
    value = ratio(part, whole) * 100
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal('0.01'))


class Assembly(StampMixin, WorkflowGuardMixin, CheckValuesMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    "Owners' meeting of a site"
    __name__ = 'property.assembly'
    __string__ = "Owners' Meeting"
    _maintained_fields = ('opened_by', 'opened_at', 'closed_by',
        'closed_at')
    _states = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Title", required=True, states=_states)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    record_date = fields.Date("Record Date", required=True, states=_states,
        help="The owners of the site's units on this date form the "
        "electorate (权益登记日).")
    meeting_date = fields.Date("Meeting Date", states=_states)
    matters = fields.One2Many('property.assembly.matter', 'assembly',
        "Matters", states=_states)
    voters = fields.One2Many('property.assembly.voter', 'assembly',
        "Electorate", readonly=True,
        help="Fixed when the meeting opens: one line per voter, its "
        "owners counting as one head with the area of all their units.")
    electorate_heads = fields.Function(fields.Integer("Voters (heads)"),
        'get_electorate')
    electorate_area = fields.Function(fields.Numeric("Voters' Area (m²)",
            digits=(16, 2)), 'get_electorate')
    opened_by = fields.Many2One('res.user', "Opened by", readonly=True,
        ondelete='RESTRICT')
    opened_at = fields.DateTime("Opened at", readonly=True)
    closed_by = fields.Many2One('res.user', "Closed by", readonly=True,
        ondelete='RESTRICT')
    closed_at = fields.DateTime("Closed at", readonly=True)
    state = fields.Selection(ASSEMBLY_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.site, Index.Range()), (t.record_date, Index.Range())))
        cls._order = [('record_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
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
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'site.name'))

    @classmethod
    def get_electorate(cls, assemblies, names):
        Voter = Pool().get('property.assembly.voter')
        voter = Voter.__table__()
        cursor = Transaction().connection.cursor()
        heads = {a.id: 0 for a in assemblies}
        area = {a.id: Decimal('0.00') for a in assemblies}
        for sub_ids in grouped_slice([a.id for a in assemblies], 1000):
            cursor.execute(*voter.select(voter.assembly, Count(voter.id),
                    Sum(voter.weight),
                    where=voter.assembly.in_(list(sub_ids)),
                    group_by=[voter.assembly]))
            for assembly_id, count, weight in cursor:
                heads[assembly_id] = count
                area[assembly_id] = square_metres(weight)
        result = {}
        if 'electorate_heads' in names:
            result['electorate_heads'] = heads
        if 'electorate_area' in names:
            result['electorate_area'] = area
        return result

    @classmethod
    def copy(cls, assemblies, default=None):
        default = dict(default or {})
        default.setdefault('voters', None)
        return super().copy(assemblies, default=default)

    @classmethod
    def electorate(cls, site, record_date):
        """The voters of the site on the record date, from its units'
        ownership lines: [(party ids, [(unit code, area)])], owners linked
        by a unit they own together making one voter (union-find)"""
        pool = Pool()
        Unit = pool.get('property.unit')
        Ownership = pool.get('property.unit.ownership')
        unit = Unit.__table__()
        ownership = Ownership.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*ownership.join(unit,
                condition=ownership.unit == unit.id).select(
                unit.id, unit.code, unit.area, ownership.party,
                where=(unit.site == site.id)
                & (unit.active == True)  # noqa: E712
                & ((ownership.from_date == None)  # noqa: E711
                    | (ownership.from_date <= record_date))
                & ((ownership.to_date == None)  # noqa: E711
                    | (ownership.to_date >= record_date)),
                order_by=[unit.id]))
        parent = {}

        def find(party):
            root = party
            while parent[root] != root:
                root = parent[root]
            while parent[party] != root:
                parent[party], party = root, parent[party]
            return root

        units = {}
        owners = defaultdict(list)
        for unit_id, code, area, party in cursor:
            units[unit_id] = (code, Decimal(str(area or 0)))
            owners[unit_id].append(party)
            parent.setdefault(party, party)
        for parties in owners.values():
            first = find(parties[0])
            for party in parties[1:]:
                other = find(party)
                if other != first:
                    parent[other] = first
        groups = defaultdict(lambda: (set(), []))
        for unit_id, parties in owners.items():
            group = groups[find(parties[0])]
            group[0].update(parties)
            group[1].append(units[unit_id])
        return [(sorted(p), u) for p, u in groups.values()]

    @classmethod
    def check_matters(cls, assemblies):
        for assembly in assemblies:
            if not assembly.matters:
                raise UserError(gettext(
                        'property_community.msg_assembly_no_matter',
                        assembly=assembly.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    @check_first('check_matters')
    def open(cls, assemblies):
        """Fix the electorate of the record date (created in batches: one
        meeting of a large estate has thousands of voters)"""
        pool = Pool()
        Party = pool.get('party.party')
        Voter = pool.get('property.assembly.voter')
        VoterOwner = pool.get('property.assembly.voter.owner')
        for assembly in assemblies:
            electorate = cls.electorate(assembly.site, assembly.record_date)
            if not electorate:
                raise UserError(gettext(
                        'property_community.msg_assembly_no_electorate',
                        assembly=assembly.rec_name,
                        date=assembly.record_date))
            names = {p.id: p.rec_name for p in Party.browse(
                    list({p for parties, _ in electorate for p in parties}))}
            for batch in grouped_slice(electorate, 500):
                batch = list(batch)
                voters = Voter.create([{
                            'assembly': assembly.id,
                            'name': '、'.join(names[p] for p in parties),
                            'units': ', '.join(
                                sorted(code for code, _ in units)),
                            'area': square_metres(
                                sum(hundredths(a) for _, a in units)),
                            'weight': sum(hundredths(a) for _, a in units),
                            } for parties, units in batch])
                VoterOwner.create([{
                            'voter': voter.id,
                            'assembly': assembly.id,
                            'party': party,
                            } for voter, (parties, _) in zip(voters, batch)
                        for party in parties])
        cls.stamp(assemblies, by='opened_by', at='opened_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, assemblies):
        "Count the ballots and keep each matter's result"
        Matter = Pool().get('property.assembly.matter')
        matters = [m for a in assemblies for m in a.matters]
        tallies = Matter.tally(matters)
        by_result = defaultdict(list)
        for matter in matters:
            by_result[decide(tallies[matter.id], matter.special)].append(
                matter)
        for result, records in by_result.items():
            Matter.write(records, {'result': result})
        cls.stamp(assemblies, by='closed_by', at='closed_at')


class Matter(CheckValuesMixin, site_from('assembly'), ModelSQL, ModelView):
    "A matter put to the vote of an owners' meeting"
    __name__ = 'property.assembly.matter'
    __string__ = "Meeting Matter"
    _states = {'readonly': Eval('assembly_state') != 'draft'}
    assembly = fields.Many2One('property.assembly', "Meeting",
        required=True, ondelete='CASCADE', states=_states)
    assembly_state = fields.Function(fields.Selection(ASSEMBLY_STATES,
            "Meeting State"), 'on_change_with_assembly_state')
    sequence = fields.Integer("Sequence", states=_states)
    name = fields.Char("Matter", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    kind = fields.Selection(MATTER_KINDS, "Kind", required=True,
        states=_states, help="The item of Civil Code art. 278 the matter "
        "falls under; it sets the majority the matter needs.")
    kind_string = kind.translated('kind')
    special = fields.Function(fields.Boolean("Special Matter",
            help="Passes with 3/4 of the participating area and heads; "
            "an ordinary matter with more than half of both."),
        'on_change_with_special')
    ballots = fields.One2Many('property.assembly.ballot', 'matter',
        "Ballots", readonly=True)
    voted_heads = fields.Function(fields.Integer("Voted (heads)"),
        'get_tally')
    voted_area = fields.Function(fields.Numeric("Voted Area (m²)",
            digits=(16, 2)), 'get_tally')
    for_heads = fields.Function(fields.Integer("For (heads)"), 'get_tally')
    for_area = fields.Function(fields.Numeric("For Area (m²)",
            digits=(16, 2)), 'get_tally')
    against_heads = fields.Function(fields.Integer("Against (heads)"),
        'get_tally')
    against_area = fields.Function(fields.Numeric("Against Area (m²)",
            digits=(16, 2)), 'get_tally')
    abstain_heads = fields.Function(fields.Integer("Abstain (heads)"),
        'get_tally')
    abstain_area = fields.Function(fields.Numeric("Abstain Area (m²)",
            digits=(16, 2)), 'get_tally')
    result = fields.Selection(RESULTS, "Result", readonly=True,
        help="Counted when the meeting closes.")
    result_string = result.translated('result')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.assembly, Index.Range())))
        cls._order = [('assembly', 'DESC'), ('sequence', 'ASC NULLS LAST'),
            ('id', 'ASC')]

    @staticmethod
    def default_kind():
        return 'other'

    @fields.depends('assembly', '_parent_assembly.state')
    def on_change_with_assembly_state(self, name=None):
        return self.assembly.state if self.assembly else 'draft'

    @fields.depends('kind')
    def on_change_with_special(self, name=None):
        return self.kind in SPECIAL_KINDS

    def get_rec_name(self, name):
        return f'{self.assembly.rec_name}: {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'assembly.name'))

    @classmethod
    def check_draft(cls, matters):
        "Matters are put to the vote as they were when the meeting opened"
        for matter in matters:
            if matter.assembly.state != 'draft':
                raise UserError(gettext(
                        'property_community.msg_matter_not_draft',
                        matter=matter.rec_name))

    @classmethod
    def create(cls, vlist):
        if external_call() and any(v.get('result') for v in vlist):
            raise AccessError(gettext(
                    'property_community.msg_matter_result_counted'))
        matters = super().create(vlist)
        cls.check_draft(matters)
        return matters

    @classmethod
    def write(cls, *args):
        # the result is the count's, written by the close of the meeting
        if external_call() and any('result' in v for v in args[1::2]):
            raise AccessError(gettext(
                    'property_community.msg_matter_result_counted'))
        super().write(*args)

    @classmethod
    def delete(cls, matters):
        cls.check_draft(matters)
        super().delete(matters)

    @classmethod
    def tally(cls, matters):
        """{matter id: Tally} counted in the database, grouped: one query
        for the electorates, one for the ballots, whatever their number"""
        pool = Pool()
        Voter = pool.get('property.assembly.voter')
        Ballot = pool.get('property.assembly.ballot')
        matter = cls.__table__()
        voter = Voter.__table__()
        ballot = Ballot.__table__()
        cursor = Transaction().connection.cursor()
        counts = {m.id: defaultdict(int) for m in matters}
        for sub_ids in grouped_slice(list(counts), 1000):
            sub_ids = list(sub_ids)
            cursor.execute(*matter.join(voter,
                    condition=voter.assembly == matter.assembly).select(
                    matter.id, Count(voter.id), Sum(voter.weight),
                    where=matter.id.in_(sub_ids),
                    group_by=[matter.id]))
            for matter_id, heads, area in cursor:
                counts[matter_id]['electorate_heads'] = heads
                counts[matter_id]['electorate_area'] = int(area or 0)
            cursor.execute(*ballot.join(voter,
                    condition=ballot.voter == voter.id).select(
                    ballot.matter, ballot.choice, Count(ballot.id),
                    Sum(voter.weight),
                    where=ballot.matter.in_(sub_ids),
                    group_by=[ballot.matter, ballot.choice]))
            for matter_id, choice, heads, area in cursor:
                counts[matter_id][f'{choice}_heads'] = heads
                counts[matter_id][f'{choice}_area'] = int(area or 0)
        result = {}
        for matter_id, count in counts.items():
            for kind in ['heads', 'area']:
                count[f'voted_{kind}'] = sum(count[f'{c}_{kind}']
                    for c, _ in CHOICES)
            result[matter_id] = Tally(**{f: count[f] for f in Tally._fields})
        return result

    @classmethod
    def get_tally(cls, matters, names):
        tallies = cls.tally(matters)
        result = {n: {} for n in names}
        for name in names:
            for matter in matters:
                value = getattr(tallies[matter.id], name)
                if name.endswith('_area'):
                    value = square_metres(value)
                result[name][matter.id] = value
        return result

    def sheet(self, tally=None):
        """The figures of the result sheet: both counts against both
        thresholds, and the result (counted now while the meeting is open)"""
        if tally is None:
            tally = self.tally([self])[self.id]
        threshold = SPECIAL if self.special else ORDINARY
        return {
            'tally': tally,
            'area': square_metres,
            'percent': percent,
            'quorum': QUORUM,
            'threshold': threshold,
            'quorum_area': ratio(
                tally.voted_area, tally.electorate_area) >= QUORUM,
            'quorum_heads': ratio(
                tally.voted_heads, tally.electorate_heads) >= QUORUM,
            'for_area': ratio(tally.for_area, tally.voted_area),
            'for_heads': ratio(tally.for_heads, tally.voted_heads),
            'result': self.result or decide(tally, self.special),
            }


class Voter(CheckValuesMixin, site_from('assembly'), ModelSQL, ModelView):
    "A voter of an owners' meeting: the owners of one or more units"
    __name__ = 'property.assembly.voter'
    __string__ = "Meeting Voter"
    assembly = fields.Many2One('property.assembly', "Meeting",
        required=True, ondelete='CASCADE', readonly=True)
    name = fields.Char("Owners", readonly=True)
    units = fields.Char("Units", readonly=True)
    area = fields.Numeric("Exclusive Area (m²)", digits=(16, 2),
        readonly=True)
    weight = fields.Integer("Area (0.01 m²)", readonly=True,
        help="The area in hundredths of a square metre, summed exactly "
        "by the tally.")
    owners = fields.One2Many('property.assembly.voter.owner', 'voter',
        "Owners", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.assembly, Index.Range())))
        cls._order = [('units', 'ASC'), ('id', 'ASC')]

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'units'))

    def get_rec_name(self, name):
        return f'{self.name} ({self.units})'


class VoterOwner(CheckValuesMixin, ModelSQL, ModelView):
    "An owner belonging to a voter of an owners' meeting"
    __name__ = 'property.assembly.voter.owner'
    __string__ = "Meeting Voter Owner"
    voter = fields.Many2One('property.assembly.voter', "Voter",
        required=True, ondelete='CASCADE', readonly=True)
    assembly = fields.Many2One('property.assembly', "Meeting",
        required=True, ondelete='CASCADE', readonly=True)
    party = fields.Many2One('party.party', "Owner", required=True,
        ondelete='RESTRICT', readonly=True)
    site = fields.Function(fields.Many2One('property.site', "Site"),
        'get_site', searcher='search_site')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('assembly_party_unique', Unique(t, t.assembly, t.party),
                'property_community.msg_voter_owner_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.voter, Index.Range())))

    def get_site(self, name):
        return self.assembly.site.id

    @classmethod
    def search_site(cls, name, clause):
        return [('assembly.site' + clause[0][len(name):], *clause[1:])]

    def get_rec_name(self, name):
        return self.party.rec_name


class Ballot(StampMixin, CheckValuesMixin, site_from('matter.assembly'),
        ModelSQL, ModelView):
    """A ballot of a voter on a matter, keyed in from the paper form by the
    front desk; changeable until the meeting closes, every version kept
    (history)"""
    __name__ = 'property.assembly.ballot'
    __string__ = "Ballot"
    _history = True
    matter = fields.Many2One('property.assembly.matter', "Matter",
        required=True, ondelete='CASCADE',
        domain=[('assembly.state', '=', 'open')],
        states={'readonly': Eval('id', -1) >= 0})
    party = fields.Many2One('party.party', "Owner", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('id', -1) >= 0},
        help="The owner who signed the ballot.")
    voter = fields.Many2One('property.assembly.voter', "Voter",
        readonly=True, ondelete='CASCADE',
        help="The voter the owner belongs to on the record date: "
        "co-owners of a unit cast one ballot for it.")
    choice = fields.Selection(CHOICES, "Choice", required=True)
    choice_string = choice.translated('choice')
    keyed_by = fields.Many2One('res.user', "Keyed by", readonly=True,
        ondelete='RESTRICT')
    keyed_at = fields.DateTime("Keyed at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('matter_voter_unique', Unique(t, t.matter, t.voter),
                'property_community.msg_ballot_second'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.matter, Index.Range()), (t.choice, Index.Equality())))
        cls._order = [('keyed_at', 'DESC NULLS FIRST'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.party.rec_name}: {self.matter.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('party.name', 'matter.name'))

    @classmethod
    def check_open(cls, matters):
        for matter in matters:
            if matter.assembly.state != 'open':
                raise UserError(gettext(
                        'property_community.msg_ballot_not_open',
                        matter=matter.rec_name,
                        state=matter.assembly.state_string))

    @classmethod
    def create(cls, vlist):
        """Find each ballot's voter from its owner on the record date;
        refuse a non-owner, a meeting not open and a second ballot"""
        pool = Pool()
        Matter = pool.get('property.assembly.matter')
        VoterOwner = pool.get('property.assembly.voter.owner')
        Party = pool.get('party.party')
        vlist = [v.copy() for v in vlist]
        matters = Matter.browse(list({v['matter'] for v in vlist
                    if isinstance(v.get('matter'), int)}))
        cls.check_open(matters)
        assembly_of = {m.id: m.assembly.id for m in matters}
        wanted = {(assembly_of.get(v.get('matter')), v.get('party'))
            for v in vlist}
        owners = {}
        for assembly_id in {a for a, _ in wanted}:
            parties = [p for a, p in wanted if a == assembly_id]
            for owner in VoterOwner.search([
                        ('assembly', '=', assembly_id),
                        ('party', 'in', parties),
                        ]):
                owners[(assembly_id, owner.party.id)] = owner.voter.id
        seen = set()
        existing = {(b.matter.id, b.voter.id) for b in cls.search([
                    ('matter', 'in', list(assembly_of)),
                    ('voter', 'in', list(owners.values())),
                    ])}
        for values in vlist:
            key = (assembly_of.get(values.get('matter')), values.get('party'))
            if key not in owners:
                party = Party(values['party']) if values.get('party') else None
                matter = Matter(values['matter'])
                raise UserError(gettext(
                        'property_community.msg_ballot_not_owner',
                        party=party.rec_name if party else '',
                        assembly=matter.assembly.rec_name,
                        date=matter.assembly.record_date))
            values['voter'] = owners[key]
            pair = (values['matter'], values['voter'])
            if pair in existing or pair in seen:
                raise UserError(gettext(
                        'property_community.msg_ballot_second',
                        party=Party(values['party']).rec_name,
                        matter=Matter(values['matter']).rec_name))
            seen.add(pair)
        for values in vlist:
            values.pop('keyed_by', None)
            values.pop('keyed_at', None)
        ballots = super().create(vlist)
        with Transaction().set_context(_ballot_stamped=True):
            cls.stamp(ballots, by='keyed_by', at='keyed_at')
        return ballots

    @classmethod
    def write(cls, *args):
        stamping = Transaction().context.get('_ballot_stamped')
        actions = iter(args)
        for ballots, values in zip(actions, actions):
            cls.check_open([b.matter for b in ballots])
            fixed = {'matter', 'party', 'voter'}
            if not stamping:
                fixed |= {'keyed_by', 'keyed_at'}
            if set(values) & fixed:
                raise UserError(gettext(
                        'property_community.msg_ballot_change_owner'))
        super().write(*args)
        if not stamping:
            # who keyed the change in, and when (the history keeps the
            # earlier versions)
            with Transaction().set_context(_ballot_stamped=True):
                cls.stamp([b for r in args[::2] for b in r],
                    by='keyed_by', at='keyed_at')

    @classmethod
    def delete(cls, ballots):
        cls.check_open([b.matter for b in ballots])
        super().delete(ballots)


class ResultSheet(HTMLReport):
    "Vote Result Sheet (表决结果公告)"
    __name__ = 'property.assembly.result_sheet'
