# This file is part of the property-management suite.
"""Dunning letters (催缴函) of every level of the fee procedure, printed as
PDF from an HTML template: the wording firmer at each level, the overdue
fees listed, the amount due and how to reach the office"""
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.property_base.printing import HTMLReport
from trytond.pool import PoolMeta

# The wording of a letter by the level's place in its procedure (the
# suite's default texts): the first level reminds, the second gives notice,
# the levels between press, the last is the final notice
STAGES = ('reminder', 'notice', 'urgent', 'final')


def letter_stage(level):
    "The wording of the level's letter"
    levels = list(level.procedure.levels)
    index = levels.index(level)
    if index == len(levels) - 1 and index > 0:
        return 'final'
    return STAGES[min(index, len(STAGES) - 2)]


class DunningLetter(HTMLReport, metaclass=PoolMeta):
    __name__ = 'account.dunning.letter'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        today = context['today']
        company = context.get('company')
        context['letter'] = lambda party, letter: cls.letter(
            party, letter, today, company)
        context['sorted_letters'] = sorted(context['letters'].items(),
            key=lambda item: (item[0].rec_name, item[0].id))
        return context

    @classmethod
    def letter(cls, party, letter, today, company):
        """What the letter to the party says: its stage, the overdue fees
        (invoice, home, fees, due date, days overdue, amount), the money
        received not yet used and the amount due"""
        levels = [level for _, level in letter.highest_levels()]
        stage = max((letter_stage(l) for l in levels), key=STAGES.index)
        rows = []
        sites = []
        for dunning in sorted(letter.dunnings, key=lambda d: (
                    d.line.maturity_date or d.line.date, d.id)):
            line = dunning.line
            origin = line.move.origin
            invoice = (origin if getattr(origin, '__name__', None)
                == 'account.invoice' else None)
            fees = []
            home = ''
            if invoice:
                if invoice.property_site:
                    sites.append(invoice.property_site)
                home = (invoice.property_unit.rec_name
                    if invoice.property_unit else '')
                fees = [SimpleNamespace(name=f.fee_type.name, month=f.month,
                        amount=f.amount) for f in sorted(
                        invoice.property_lines,
                        key=lambda f: (f.fee_type.code or '', f.id))]
            maturity = line.maturity_date or line.date
            rows.append(SimpleNamespace(
                    document=(invoice.number if invoice
                        else line.move.rec_name),
                    home=home, fees=fees, due_date=maturity,
                    days=(today - maturity).days, amount=dunning.amount))
        overdue = sum((d.amount for d in letter.dunnings), Decimal(0))
        received = sum((l.credit - l.debit for l in letter.payments),
            Decimal(0))
        currency = company.currency if company else None
        site = sites[0] if sites else None
        phone = (site.service_phone if site and site.service_phone
            else (company.party.phone if company else '')) or ''
        return SimpleNamespace(stage=stage, rows=rows, overdue=overdue,
            received=received, due=max(overdue - received, Decimal(0)),
            currency=currency, site=site, phone=phone,
            homes=', '.join(sorted({r.home for r in rows if r.home})))
