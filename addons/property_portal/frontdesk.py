# This file is part of the property-management suite.
"""With the front desk: the gate checks a guest pass of the portal and
lets the guest in on the visitors' register (来客登记)"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.property_base.common import clock
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard


class CheckGuestPassStart(ModelView):
    __name__ = 'property.portal.check_guest_pass.start'
    __string__ = "Check Guest Pass"
    code = fields.Char("Pass Code", required=True,
        help="Scan the guest's QR code or type the code under it.")


class CheckGuestPassResult(ModelView):
    __name__ = 'property.portal.check_guest_pass.result'
    __string__ = "Guest Pass Check Result"
    code = fields.Char("Pass Code", readonly=True)
    valid = fields.Boolean("Valid Today", readonly=True)
    message = fields.Text("Result", readonly=True)


class CheckGuestPass(Wizard):
    "Check Guest Pass"
    __name__ = 'property.portal.check_guest_pass'
    start = StateView('property.portal.check_guest_pass.start',
        'property_portal.check_guest_pass_start_view_form', [
            Button("Close", 'end', 'tryton-cancel'),
            Button("Check", 'check', 'tryton-ok', default=True),
            ])
    check = StateTransition()
    result = StateView('property.portal.check_guest_pass.result',
        'property_portal.check_guest_pass_result_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Check Another", 'start', 'tryton-back'),
            Button("Let In", 'admit', 'tryton-forward', default=True,
                states={'invisible': ~Eval('valid')}),
            ])
    admit = StateTransition()

    def transition_check(self):
        return 'result'

    def default_start(self, fields):
        return {}

    def default_result(self, fields):
        Guest = Pool().get('property.portal.guest')
        valid, message, _ = Guest.check_pass(self.start.code)
        return {
            'code': self.start.code,
            'valid': valid,
            'message': message,
            }

    def transition_admit(self):
        """Enter the guest on the visitors' register, let in now; the pass
        is checked again (the day may have ended meanwhile)"""
        pool = Pool()
        Guest = pool.get('property.portal.guest')
        Visitor = pool.get('property.visitor')
        valid, message, guest = Guest.check_pass(self.start.code)
        if not valid:
            # shown again, with the reason
            return 'result'
        visitor, = Visitor.create([{
                    'site': guest.unit.site.id,
                    'name': guest.name,
                    'phone': guest.phone,
                    'people': guest.people,
                    'destination': 'home',
                    'unit': guest.unit.id,
                    'host': guest.host.rec_name,
                    'purpose': gettext('property_portal.msg_guest_purpose',
                        code=guest.code),
                    }])
        Visitor.admit([visitor])
        if not guest.admitted_at:
            # the pass's record is the portal's: the gate only stamps it
            with without_check_access():
                Guest.write([guest], {'admitted_at': clock()})
        return 'end'
