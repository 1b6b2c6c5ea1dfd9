# This file is part of the property-management suite.
"""Meetings of the service office with their minutes (seed 001, 客服部会议
制度 and 部门工作流程): the morning meeting (07:50——08:00 开晨会), the day's
summary meeting (16:40——17:00 就当天问题开总结会,并做会议纪要), the weekly
meeting of the service centre (主持每周一次的客服中心例会) and the monthly
meeting of the whole department (全客服部的会议每月定时召开).

A meeting records its date, kind, site, attendees, the minutes, the
decisions and the actions; an action may become a ticket. Once held, its
minutes are fixed; the weekly meeting is signed by every attendee before
the manager reviews it (the suite's default: the seed sets the weekly
meeting, not its signatures, nor its day, Friday in the suite)."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, office_today)
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

KINDS = [
    ('morning', "Morning Meeting"),
    ('daily_summary', "Daily Summary Meeting"),
    ('weekly', "Weekly Meeting"),
    ('monthly', "Monthly Meeting"),
    ]
# The office time each kind of meeting starts at: the morning meeting and
# the day's summary as seed 001's working day sets them; the weekly and the
# monthly meetings at the summary's time (the suite's default)
START_TIMES = {
    'morning': dt.time(7, 50),
    'daily_summary': dt.time(16, 40),
    'weekly': dt.time(16, 40),
    'monthly': dt.time(16, 40),
    }
# The weekly meeting's day (the suite's default): Friday
WEEKLY_WEEKDAY = 4
# The meetings whose minutes every attendee signs (the suite's default)
SIGNED_KINDS = {'weekly'}


def meeting_date(kind, today):
    """The default date of a meeting of the kind held in the office week of
    today: the Friday of the week for the weekly meeting, else today"""
    if kind == 'weekly':
        return today + dt.timedelta(days=WEEKLY_WEEKDAY - today.weekday())
    return today


class Meeting(CheckValuesMixin, StampMixin, WorkflowGuardMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    "Meeting"
    __name__ = 'property.meeting'
    __string__ = "Meeting"
    _maintained_fields = ('held_at', 'reviewed_by', 'reviewed_at')
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        states=_states)
    kind_string = kind.translated('kind')
    date = fields.Date("Date", required=True, states=_states,
        help="The office's date of the meeting.")
    time = fields.Time("Time", required=True, states=_states,
        help="The office time it starts: 07:50 for the morning meeting, 16:40 "
             "for the day's summary.")
    chair = fields.Many2One('company.employee', "Chair", required=True,
        ondelete='RESTRICT', states=_states)
    attendees = fields.One2Many('property.meeting.attendee', 'meeting',
        "Attendees", states=_states)
    minutes = fields.Text("Minutes", states=_states,
        help="What was reported and discussed (会议纪要); required to "
        "hold the meeting.")
    decisions = fields.Text("Decisions", states=_states)
    actions = fields.One2Many('property.meeting.action', 'meeting',
        "Actions", states={'readonly': Eval('state') == 'reviewed'})
    signatures_required = fields.Function(fields.Boolean(
            "Signed by the Attendees",
            help="Every attendee signs the minutes before the review "
            "(the weekly meeting)."), 'on_change_with_signatures_required')
    unsigned = fields.Function(fields.Integer("Signatures Missing"),
        'get_unsigned')
    held_at = fields.DateTime("Minutes Recorded at", readonly=True)
    review = fields.Text("Manager's Review",
        states={'readonly': Eval('state') == 'reviewed'},
        help="The manager's comments on the meeting and its actions.")
    reviewed_by = fields.Many2One('res.user', "Reviewed by", readonly=True)
    reviewed_at = fields.DateTime("Reviewed at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('held', "Held"),
            ('reviewed', "Reviewed"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('time', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'held'), ('held', 'reviewed')}
        cls._buttons.update({
                'hold': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'do_review': {
                    'invisible': Eval('state') != 'held',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return 'daily_summary'

    @classmethod
    def default_date(cls):
        return meeting_date(cls.default_kind(), office_today())

    @classmethod
    def default_time(cls):
        return START_TIMES[cls.default_kind()]

    @staticmethod
    def default_chair():
        return Transaction().context.get('employee')

    @fields.depends('kind', 'date')
    def on_change_kind(self):
        if self.kind:
            self.time = START_TIMES[self.kind]
            self.date = meeting_date(self.kind, office_today())

    @fields.depends('kind')
    def on_change_with_signatures_required(self, name=None):
        return self.kind in SIGNED_KINDS

    @classmethod
    def get_unsigned(cls, meetings, name):
        return {m.id: sum(1 for a in m.attendees if not a.signed_at)
            for m in meetings}

    def get_rec_name(self, name):
        kind = self.kind_string
        return f'{kind} {self.site.rec_name} {self.date}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('kind'):
            # the kind's office time and date when the caller gives none
            # (seed 001: 07:50 晨会, 16:40 总结会)
            if not values.get('time'):
                values['time'] = START_TIMES[values['kind']]
            if not values.get('date'):
                values['date'] = meeting_date(values['kind'], office_today())
        return values

    @classmethod
    @ModelView.button
    @Workflow.transition('held')
    def hold(cls, meetings):
        "The meeting was held: its attendees and minutes are recorded"
        for meeting in meetings:
            if not meeting.attendees:
                raise UserError(gettext(
                        'property_helpdesk.msg_meeting_no_attendees',
                        meeting=meeting.rec_name))
            if not (meeting.minutes or '').strip():
                raise UserError(gettext(
                        'property_helpdesk.msg_meeting_no_minutes',
                        meeting=meeting.rec_name))
        cls.stamp(meetings, at='held_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('reviewed')
    def do_review(cls, meetings):
        """The manager reviews the minutes, signed by every attendee for
        the weekly meeting"""
        for meeting in meetings:
            unsigned = [a.employee.rec_name for a in meeting.attendees
                if not a.signed_at]
            if meeting.kind in SIGNED_KINDS and unsigned:
                raise UserError(gettext(
                        'property_helpdesk.msg_meeting_unsigned',
                        meeting=meeting.rec_name,
                        attendees=', '.join(unsigned)))
        cls.stamp(meetings, by='reviewed_by', at='reviewed_at')

    @classmethod
    def check_modification(cls, mode, meetings, values=None, external=False):
        super().check_modification(
            mode, meetings, values=values, external=external)
        if mode == 'delete':
            for meeting in meetings:
                if meeting.state != 'draft':
                    raise UserError(gettext(
                            'property_helpdesk.msg_meeting_delete',
                            meeting=meeting.rec_name))


class _LineGuardMixin(WorkflowGuardMixin):
    """A line of a meeting: the fields the suite maintains (the signature,
    the ticket made) are not written over RPC"""
    __slots__ = ()

    @classmethod
    def initial_state(cls):
        # the line has no state of its own
        return None


class MeetingAttendee(CheckValuesMixin, _LineGuardMixin,
        site_from('meeting'), ModelSQL, ModelView):
    "Meeting Attendee"
    __name__ = 'property.meeting.attendee'
    __string__ = "Meeting Attendee"
    _maintained_fields = ('signed_at',)
    meeting = fields.Many2One('property.meeting', "Meeting", required=True,
        ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Attendee",
        required=True, ondelete='RESTRICT')
    signed_at = fields.DateTime("Signed at", readonly=True,
        help="When the attendee signed the minutes with their own login.")
    meeting_state = fields.Function(fields.Selection('get_meeting_states',
            "Meeting State"), 'on_change_with_meeting_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]
        cls._buttons.update({
                'sign': {
                    'invisible': ((Eval('meeting_state') != 'held')
                        | Bool(Eval('signed_at'))),
                    'depends': ['meeting_state', 'signed_at'],
                    },
                })

    @classmethod
    def get_meeting_states(cls):
        return Pool().get('property.meeting').fields_get(
            ['state'])['state']['selection']

    @fields.depends('meeting', '_parent_meeting.state')
    def on_change_with_meeting_state(self, name=None):
        return self.meeting.state if self.meeting else None

    def get_rec_name(self, name):
        return self.employee.rec_name

    @classmethod
    def check_modification(cls, mode, attendees, values=None,
            external=False):
        super().check_modification(
            mode, attendees, values=values, external=external)
        if mode == 'write' and values and set(values) <= {'signed_at'}:
            return
        for attendee in attendees:
            if attendee.meeting.state != 'draft':
                raise UserError(gettext(
                        'property_helpdesk.msg_meeting_attendees_held',
                        meeting=attendee.meeting.rec_name))

    @classmethod
    @ModelView.button
    def sign(cls, attendees):
        """The attendee signs the held meeting's minutes, with their own
        login: nobody signs for another"""
        User = Pool().get('res.user')
        user = User(Transaction().user)
        own = {e.id for e in user.employees}
        for attendee in attendees:
            if attendee.meeting.state != 'held':
                raise UserError(gettext(
                        'property_helpdesk.msg_meeting_sign_state',
                        meeting=attendee.meeting.rec_name))
            if attendee.employee.id not in own:
                raise UserError(gettext(
                        'property_helpdesk.msg_meeting_sign_other',
                        attendee=attendee.employee.rec_name,
                        meeting=attendee.meeting.rec_name))
        cls.write([a for a in attendees if not a.signed_at],
            {'signed_at': clock()})


class MeetingAction(CheckValuesMixin, _LineGuardMixin,
        site_from('meeting'), ModelSQL, ModelView):
    "Meeting Action"
    __name__ = 'property.meeting.action'
    __string__ = "Meeting Action"
    _maintained_fields = ('ticket',)
    meeting = fields.Many2One('property.meeting', "Meeting", required=True,
        ondelete='CASCADE')
    description = fields.Text("Action", required=True)
    responsible = fields.Many2One('company.employee', "Responsible",
        ondelete='RESTRICT')
    due_date = fields.Date("Due Date")
    unit = fields.Many2One('property.unit', "Unit", ondelete='RESTRICT',
        domain=[('site', '=', Eval('site', -1))],
        help="The home the action is about, if any: its ticket is then a "
        "repair in the unit.")
    category = fields.Many2One('property.ticket.category', "Category",
        ondelete='RESTRICT', help="Required to make the action a ticket.")
    ticket = fields.Many2One('property.ticket', "Ticket", readonly=True,
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]
        cls._buttons.update({
                'create_ticket': {
                    'invisible': Bool(Eval('ticket')),
                    'depends': ['ticket'],
                    },
                })

    @classmethod
    @ModelView.button
    def create_ticket(cls, actions):
        """Make each action a ticket of the meeting's site, received now
        with the chair as its first receiver, and open it"""
        pool = Pool()
        Ticket = pool.get('property.ticket')
        to_create = []
        for action in actions:
            if action.ticket:
                continue
            if not action.category:
                raise UserError(gettext(
                        'property_helpdesk.msg_meeting_action_category',
                        action=action.description[:60],
                        meeting=action.meeting.rec_name))
            meeting = action.meeting
            to_create.append((action, {
                        'company': meeting.site.company.id,
                        'site': meeting.site.id,
                        'unit': action.unit.id if action.unit else None,
                        'channel': 'meeting',
                        'kind': ('repair_unit' if action.unit
                            else 'repair_common'),
                        'category': action.category.id,
                        'level': action.category.default_level,
                        'description': action.description,
                        'first_receiver': meeting.chair.id,
                        'received_at': clock(),
                        }))
        return Ticket.open_for(to_create)


class Ticket(metaclass=PoolMeta):
    __name__ = 'property.ticket'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # a ticket made of a meeting's action
        if ('meeting', "Meeting") not in cls.channel.selection:
            cls.channel.selection = cls.channel.selection + [
                ('meeting', "Meeting")]
