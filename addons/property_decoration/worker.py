# This file is part of the property-management suite.
"Renovation workers and their passes (出入证), checked at the gate"
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.modules.property_base.common import (
    CheckValuesMixin, office_now, rec_name_domain)
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.printing import HTMLReport
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard


def mask_identity(number):
    "An identity number with all but its first 6 and last 4 characters hidden"
    if not number:
        return ''
    if len(number) <= 10:
        return number[:2] + '*' * max(len(number) - 4, 0) + number[-2:]
    return number[:6] + '*' * (len(number) - 10) + number[-4:]


def pass_code(worker):
    "The text of a pass's QR code: the pass number"
    return worker.pass_number or ''


def read_pass_code(text):
    """The pass number in what the gate typed: the number by hand, or the
    QR code's text as a scanner types it, with the spaces, tab or line end
    it may add around it"""
    return (text or '').strip()


class Worker(site_from('application.unit'),
        CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.decoration.worker'
    __string__ = "Renovation Worker"
    application = fields.Many2One('property.decoration.application',
        "Application", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    # (lazy: a read of the worker's other fields does not ask for it)
    identity_number = fields.Char("Identity Number (Full)", required=True,
        loading='lazy',
        help="Personal data: read only by managers and archive keepers; "
        "the pass shows it masked.")
    identity_masked = fields.Function(fields.Char("Identity Number",
            help="Entered in full when the worker is registered, shown "
            "masked."),
        'get_identity_masked', setter='set_identity')
    phone = fields.Char("Phone")
    trade = fields.Char("Trade", help="e.g. electrician, plumber, tiler.")
    photo = fields.Binary("Photo")
    pass_number = fields.Char("Pass Number", readonly=True)
    valid_from = fields.Date("Valid from", required=True)
    valid_to = fields.Date("Valid to", required=True,
        domain=[('valid_to', '>=', Eval('valid_from', None))])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('pass_number_unique', Unique(t, t.pass_number),
                'property_decoration.msg_pass_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.pass_number, Index.Equality())))

    @fields.depends('application', '_parent_application.planned_start')
    def on_change_with_valid_from(self):
        if self.application:
            return self.application.planned_start

    @fields.depends('application', '_parent_application.planned_end')
    def on_change_with_valid_to(self):
        if self.application:
            return self.application.planned_end

    def get_identity_masked(self, name):
        return mask_identity(self.identity_number)

    @classmethod
    def set_identity(cls, workers, name, value):
        # (preprocess_values stores it before the record is saved; this
        # only makes the field writable)
        if value:
            with without_check_access():
                cls.write(workers, {'identity_number': value})

    def get_rec_name(self, name):
        return f'{self.pass_number or ""} {self.name}'.strip()

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['pass_number', 'name'])

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        Application = pool.get('property.decoration.application')
        values = super().preprocess_values(mode, values)
        if values.get('identity_masked'):
            # the full number typed at the desk is stored, never read back
            values['identity_number'] = values.pop('identity_masked')
        if mode == 'create':
            with without_check_access():
                values['pass_number'] = Sequence(ModelData.get_id(
                        'property_decoration', 'sequence_pass')).get()
            if values.get('application'):
                application = Application(values['application'])
                values.setdefault('valid_from', application.planned_start)
                values.setdefault('valid_to', application.planned_end)
        return values

    @classmethod
    def copy(cls, workers, default=None):
        default = dict(default or {})
        default.setdefault('pass_number', None)
        return super().copy(workers, default=default)

    def check(self, date=None, at=None):
        """Whether the pass lets its worker in on the date, and why not; at
        the gate, at is the office's time: the job's hours apply too"""
        if date is None:
            date = at.date() if at else Pool().get('ir.date').today()
        application = self.application
        if not self.active:
            return False, gettext('property_decoration.msg_pass_withdrawn')
        if application.state != 'in_progress':
            return False, gettext('property_decoration.msg_pass_job_state',
                application=application.rec_name,
                state=application.state_string)
        if application.stopped:
            return False, gettext('property_decoration.msg_pass_stopped',
                application=application.rec_name)
        if not (self.valid_from <= date <= self.valid_to):
            return False, gettext('property_decoration.msg_pass_dates',
                start=self.valid_from, end=self.valid_to)
        # Seed 001 装修管理 27: no work outside the permitted hours
        if at is not None and not (
                application.hours_from <= at.time() <= application.hours_to):
            return False, gettext('property_decoration.msg_pass_hours',
                name=self.name, time=at.strftime('%H:%M'),
                start=application.hours_from.strftime('%H:%M'),
                end=application.hours_to.strftime('%H:%M'))
        return True, gettext('property_decoration.msg_pass_valid',
            name=self.name, unit=application.unit.rec_name,
            start=application.hours_from.strftime('%H:%M'),
            end=application.hours_to.strftime('%H:%M'))

    @classmethod
    def check_pass(cls, number, date=None, at=None):
        "Check a pass by its number: (valid, message)"
        Rule = Pool().get('ir.rule')
        domain = [('pass_number', '=', read_pass_code(number))]
        # the gate of a site knows the passes of its own sites only: the
        # user's record rules apply, though the wizard runs without them
        with Transaction().set_context(_check_access=True):
            rule = Rule.domain_get(cls.__name__, mode='read')
        if rule:
            domain.append(rule)
        workers = cls.search(domain, limit=1)
        if not workers:
            return False, gettext('property_decoration.msg_pass_unknown',
                number=number)
        return workers[0].check(date, at)


class CheckPassStart(ModelView):
    __name__ = 'property.decoration.check_pass.start'
    __string__ = "Check Pass"
    pass_number = fields.Char("Pass Number", required=True)


class CheckPassResult(ModelView):
    __name__ = 'property.decoration.check_pass.result'
    __string__ = "Pass Check Result"
    pass_number = fields.Char("Pass Number", readonly=True)
    valid = fields.Boolean("Valid Today", readonly=True)
    message = fields.Text("Result", readonly=True)


class CheckPass(Wizard):
    "Check Pass"
    __name__ = 'property.decoration.check_pass'
    start = StateView('property.decoration.check_pass.start',
        'property_decoration.check_pass_start_view_form', [
            Button("Close", 'end', 'tryton-cancel'),
            Button("Check", 'check', 'tryton-ok', default=True),
            ])
    check = StateTransition()
    result = StateView('property.decoration.check_pass.result',
        'property_decoration.check_pass_result_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Check Another", 'start', 'tryton-forward', default=True),
            ])

    def transition_check(self):
        return 'result'

    def default_result(self, fields):
        Worker = Pool().get('property.decoration.worker')
        valid, message = Worker.check_pass(self.start.pass_number,
            at=office_now())
        return {
            'pass_number': self.start.pass_number,
            'valid': valid,
            'message': message,
            }

    def default_start(self, fields):
        return {}


class WorkerPass(HTMLReport):
    """Worker Pass (出入证): an A6 card with the worker's photo, the
    identity number masked and a QR code the gate's Check Pass reads"""
    __name__ = 'property.decoration.worker.pass'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['pass_code'] = pass_code
        return context
