# This file is part of the property-management suite.
"Water and electricity meters (水表, 电表) and their readings (抄表)"
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.workflow import WorkflowGuardMixin

# Readings averaged to tell an abnormal consumption
AVERAGE_READINGS = 6


class Meter(site_from('unit'),
        CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.meter'
    __string__ = "Meter"
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='CASCADE')
    fee_type = fields.Many2One('property.fee.type', "Fee Type",
        required=True, ondelete='RESTRICT',
        domain=[('method', '=', 'metered')],
        help="The metered fee its consumption is billed with.")
    number = fields.Char("Number", required=True,
        help="The number printed on the meter.")
    readings = fields.One2Many('property.meter.reading', 'meter',
        "Readings", readonly=True)
    last_value = fields.Function(fields.Numeric("Last Reading",
            digits=(16, 2)), 'get_last')
    last_date = fields.Function(fields.Date("Last Read"), 'get_last')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('unit_fee_number_unique',
                Unique(t, t.unit, t.fee_type, t.number),
                'property_billing.msg_meter_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.unit, Index.Range())))

    def get_rec_name(self, name):
        return f'{self.fee_type.name} {self.number} @ {self.unit.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['number', 'unit.rec_name'])

    @classmethod
    def get_last(cls, meters, names):
        Reading = Pool().get('property.meter.reading')
        result = {n: {m.id: None for m in meters} for n in names}
        for meter in meters:
            readings = Reading.search([('meter', '=', meter.id)],
                order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
            if readings:
                if 'last_value' in result:
                    result['last_value'][meter.id] = readings[0].value
                if 'last_date' in result:
                    result['last_date'][meter.id] = readings[0].date
        return result


class Reading(site_from('meter.unit'), WorkflowGuardMixin, StateAuditMixin,
        CheckValuesMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.meter.reading'
    __string__ = "Meter Reading"
    _maintained_fields = (
        'previous_value', 'consumption', 'average', 'billing_line',
        'reviewed_by', 'base')
    _states = {'readonly': Eval('id', -1) >= 0}
    meter = fields.Many2One('property.meter', "Meter", required=True,
        ondelete='CASCADE', states=_states)
    unit = fields.Function(fields.Many2One('property.unit', "Unit"),
        'on_change_with_unit', searcher='search_unit')
    date = fields.Date("Date", required=True, states=_states)
    value = fields.Numeric("Reading", digits=(16, 2), required=True,
        states=_states)
    replaced = fields.Boolean("Meter Replaced", states=_states,
        help="The meter was replaced since the previous reading: the "
        "reading is the new meter's, started from zero.")
    old_meter_end = fields.Numeric("Old Meter Final Reading", digits=(16, 2),
        states={
            'invisible': ~Eval('replaced'),
            'required': Bool(Eval('replaced')),
            'readonly': _states['readonly'],
            })
    previous_value = fields.Numeric("Previous Reading", digits=(16, 2),
        readonly=True)
    consumption = fields.Numeric("Consumption", digits=(16, 2),
        readonly=True)
    average = fields.Numeric("Average Consumption", digits=(16, 2),
        readonly=True,
        help="Average of the meter's previous consumptions.")
    state = fields.Selection([
            ('valid', "Valid"),
            ('flagged', "Flagged"),
            ('reviewed', "Reviewed"),
            ], "State", readonly=True, required=True,
        help="Flagged: far above the average, held out of billing until "
        "reviewed.")
    reviewed_by = fields.Many2One('res.user', "Reviewed by", readonly=True)
    billing_line = fields.Many2One('property.billing.line', "Billed",
        readonly=True, ondelete='RESTRICT')
    move = fields.Many2One('property.move', "Move", ondelete='RESTRICT',
        states=_states,
        domain=[('unit', '=', Eval('unit', -1))],
        help="The move-in or move-out the reading was taken at, with the "
        "resident at the handover.")
    base = fields.Boolean("Base Reading", readonly=True,
        help="Taken when the owner received the home (收楼): the metered "
        "fees count from it; what the meter counted before is not billed "
        "to the owner.")
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.meter, Index.Range()),
                (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('flagged', 'reviewed')}
        cls._buttons.update({
                'review': {
                    'invisible': Eval('state') != 'flagged',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_state():
        return 'valid'

    @staticmethod
    def default_replaced():
        return False

    @staticmethod
    def default_base():
        return False

    @fields.depends('meter')
    def on_change_with_unit(self, name=None):
        return self.meter.unit if self.meter else None

    @classmethod
    def search_unit(cls, name, clause):
        return [('meter.unit' + clause[0][len(name):],
                *clause[1:])]

    def get_rec_name(self, name):
        return f'{self.meter.rec_name} {self.date}: {self.value}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['base'] = cls.is_base(values)
            values.update(cls.compute_consumption(values))
        return values

    @classmethod
    def is_base(cls, values):
        """Whether the new reading is a meter's base reading: taken at an
        owner's move-in (seed 001 客服部工作内容 2.2: 领取钥匙、核验水电表底
        at the owner's 入伙)"""
        Move = Pool().get('property.move')
        return bool(values.get('move')
            and Move(values['move']).kind == 'move_in')

    @classmethod
    def compute_consumption(cls, values):
        """The previous reading, the consumption since it and whether it is
        abnormal, for the values of a new reading"""
        pool = Pool()
        Configuration = pool.get('property.billing.configuration')
        Meter = pool.get('property.meter')
        if any(values.get(n) is None for n in ['meter', 'date', 'value']):
            return {}   # refused as required by the validation
        meter = Meter(values['meter'])
        previous = cls.search([('meter', '=', meter.id)],
            order=[('date', 'DESC'), ('id', 'DESC')],
            limit=AVERAGE_READINGS + 1)
        value = Decimal(values['value'])
        result = {}
        if previous and values['date'] < previous[0].date:
            raise ValidationError(gettext(
                    'property_billing.msg_reading_date',
                    meter=meter.rec_name, date=previous[0].date))
        if not previous or values.get('base'):
            # the consumption counts from a base reading
            result['previous_value'] = None
            result['consumption'] = Decimal(0)
            result['state'] = 'valid'
            return result
        last = previous[0]
        if values['date'] <= last.date:
            raise ValidationError(gettext(
                    'property_billing.msg_reading_date',
                    meter=meter.rec_name, date=last.date))
        result['previous_value'] = last.value
        if values.get('replaced'):
            old_end = Decimal(values.get('old_meter_end') or 0)
            if old_end < last.value:
                raise ValidationError(gettext(
                        'property_billing.msg_reading_decrease',
                        meter=meter.rec_name, value=old_end,
                        previous=last.value))
            consumption = old_end - last.value + value
        else:
            if value < last.value:
                raise ValidationError(gettext(
                        'property_billing.msg_reading_decrease',
                        meter=meter.rec_name, value=value,
                        previous=last.value))
            consumption = value - last.value
        # (PostgreSQL keeps the scale given, SQLite the one stored)
        consumption = consumption.quantize(Decimal('0.01'))
        result['consumption'] = consumption
        history = [r.consumption for r in previous
            if r.previous_value is not None and r.state != 'flagged']
        state = 'valid'
        average = None
        if len(history) >= 2:
            average = sum(history) / len(history)
            factor = Configuration.get_value('reading_alert_factor')
            if average > 0 and consumption > factor * average:
                state = 'flagged'
            average = average.quantize(Decimal('0.01'))
        result['average'] = average
        result['state'] = state
        return result

    @classmethod
    def validate_fields(cls, readings, field_names):
        super().validate_fields(readings, field_names)
        for reading in readings:
            if reading.value < 0:
                raise ValidationError(gettext(
                        'property_billing.msg_reading_negative',
                        meter=reading.meter.rec_name))

    @classmethod
    def check_modification(cls, mode, readings, values=None, external=False):
        super().check_modification(
            mode, readings, values=values, external=external)
        if mode == 'write' and values and (set(values)
                & {'meter', 'date', 'value', 'replaced', 'old_meter_end'}):
            # The consumption is computed once from the previous reading;
            # a wrong reading is deleted and taken again.
            raise ValidationError(gettext(
                    'property_billing.msg_reading_modify'))
        if mode == 'delete':
            for reading in readings:
                if reading.billing_line:
                    raise ValidationError(gettext(
                            'property_billing.msg_reading_billed',
                            reading=reading.rec_name))
                later = cls.search([
                        ('meter', '=', reading.meter.id),
                        ('date', '>', reading.date),
                        ], limit=1)
                if later:
                    raise ValidationError(gettext(
                            'property_billing.msg_reading_not_last',
                            reading=reading.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('reviewed')
    def review(cls, readings):
        cls.write(readings, {
                'reviewed_by': Transaction().user,
                })
