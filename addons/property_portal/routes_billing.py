# This file is part of the property-management suite.
"""The portal's pages of the owner's account (with property_billing): the
prepaid balance (预存款) of each payer of the visitor's bills, and the
visitor's statement of account (业主对账单) for a period as billing's
`property.statement` PDF

The statement is the visitor's own: another party's id answers 404 as
one that does not exist."""
from decimal import Decimal
from http import HTTPStatus

from trytond.modules.property_base.common import office_today
from trytond.pool import Pool
from trytond.protocols.wrappers import abort
from trytond.wsgi import app

from .routes import PREFIX, extra, file_response, form_date
from .web import portal_page, text


def prepaid_balances(visit, invoices):
    """The payers of the invoices, the visitor first, each with the money
    they prepaid and have not used yet in the company of their homes (the
    credits billing's apply_prepayments pays the next bills from)"""
    from trytond.modules.property_billing.prepayment import PREPAID_DOMAIN
    pool = Pool()
    MoveLine = pool.get('account.move.line')
    Company = pool.get('company.company')
    company_id = visit_company(visit)
    if company_id is None:
        return []
    company = Company(company_id)
    payers = [visit.party]
    for invoice in invoices:
        if invoice.party not in payers:
            payers.append(invoice.party)
    prepaid = {p.id: Decimal(0) for p in payers}
    for line in MoveLine.search([
                ('party', 'in', list(prepaid)),
                ('move.company', '=', company.id),
                ] + PREPAID_DOMAIN):
        prepaid[line.party.id] += line.credit - line.debit
    return [(p, company.currency, company.currency.round(prepaid[p.id]))
        for p in payers]


def visit_company(visit):
    "The company of the visitor's homes (set by portal_page)"
    from trytond.transaction import Transaction
    return Transaction().context.get('company')


def statement_form(visit, status=HTTPStatus.OK, error=None, values=None):
    today = office_today()
    values = values or {
        # the default period: this year so far, in the office's time zone
        'from_date': today.replace(month=1, day=1).isoformat(),
        'to_date': today.isoformat(),
        }
    return visit.render('bills_statement.html', status=status,
        title=text('account_statement'), error=error, values=values,
        today=today)


@app.route(PREFIX + '/bills/statement/<int:party_id>', methods=['GET'])
@portal_page()
def bills_statement(visit, party_id):
    """The statement of account of the visitor's own party: the form of the
    period, then (with the period's dates) its PDF"""
    Statement = extra('property.statement', type='report')
    if party_id != visit.party.id:
        abort(HTTPStatus.NOT_FOUND)
    args = visit.request.args
    if 'from_date' not in args and 'to_date' not in args:
        return statement_form(visit)
    values = {name: args.get(name, '')[:10].strip()
        for name in ['from_date', 'to_date']}
    from_date = form_date(values['from_date'])
    to_date = form_date(values['to_date'])
    if from_date is None or to_date is None:
        return statement_form(visit, HTTPStatus.BAD_REQUEST,
            text('date_invalid'), values)
    if from_date > to_date:
        return statement_form(visit, HTTPStatus.BAD_REQUEST,
            text('account_statement_period'), values)
    party = visit.party
    _, content, _, _ = Statement.execute([party.id], {
            'model': 'party.party', 'id': party.id, 'ids': [party.id],
            'company': visit_company(visit),
            'from_date': from_date, 'to_date': to_date,
            })
    return file_response(visit, bytes(content), 'application/pdf',
        f'statement-{from_date.isoformat()}-{to_date.isoformat()}.pdf')
