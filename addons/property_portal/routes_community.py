# This file is part of the property-management suite.
"""The portal's pages of the community (with property_community): the
notices of the visitor's homes, read with a receipt, and the owners'
meetings of their sites, voted on under the assembly's own rules

A notice not for one of the visitor's homes, and a meeting not of their
sites (or still a draft), answer 404 as one that does not exist."""
from http import HTTPStatus

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import office_today
from trytond.pool import Pool
from trytond.wsgi import app

from .portal import home_units
from .routes import PREFIX, extra, first_or_404, office_time, selection_labels
from .web import portal_page, rollback, text

# The meetings the portal shows: the one voted on now and the closed ones
# (their results); a draft is the office's
MEETING_STATES = ['open', 'closed']
MEETINGS_SHOWN = 20


# -- notices ------------------------------------------------------------------

def home_notices(visit, domain=None):
    "The notices on the board today for one of the visitor's homes"
    Notice = extra('property.community.notice')
    return Notice.portal_notices(home_units(visit.party), office_today(),
        domain)


@app.route(PREFIX + '/notices', methods=['GET'])
@portal_page()
def notices(visit):
    Receipt = extra('property.portal.notice.receipt')
    notices = home_notices(visit)
    read = {r.notice.id for r in Receipt.search([
                ('party', '=', visit.party.id),
                ('notice', 'in', [n.id for n in notices])])}
    return visit.render('notices.html', title=text('notices'),
        notices=notices, read=read,
        kinds=selection_labels('property.community.notice', 'kind'))


# opening the notice records its read receipt: a writing transaction
@app.route(PREFIX + '/notices/<int:notice_id>', methods=['GET'])
@portal_page(readonly=False)
def notice(visit, notice_id):
    Receipt = extra('property.portal.notice.receipt')
    notice = first_or_404(home_notices(visit, [('id', '=', notice_id)]))
    unit = next(u for u in home_units(visit.party) if notice.covers(u))
    Receipt.record(notice, visit.party, unit)
    return visit.render('notice.html', title=notice.title, notice=notice,
        kinds=selection_labels('property.community.notice', 'kind'))


# -- owners' meetings ---------------------------------------------------------

def home_meetings(visit, domain=None):
    "The open or closed meetings of the sites of the visitor's homes"
    Assembly = extra('property.assembly')
    sites = list({u.site.id for u in home_units(visit.party)})
    return Assembly.search([('site', 'in', sites),
            ('state', 'in', MEETING_STATES)] + (domain or []),
        order=[('record_date', 'DESC'), ('id', 'DESC')],
        limit=MEETINGS_SHOWN)


@app.route(PREFIX + '/meetings', methods=['GET'])
@portal_page()
def meetings(visit):
    return visit.render('meetings.html', title=text('meetings'),
        meetings=home_meetings(visit),
        states=selection_labels('property.assembly', 'state'))


def meeting_page(visit, meeting, status=HTTPStatus.OK, error=None,
        info=None):
    """The meeting's matters with the visitor's household's ballots, the
    forms to vote while it is open (for the owners of the electorate) and
    the results once closed"""
    pool = Pool()
    VoterOwner = pool.get('property.assembly.voter.owner')
    Ballot = pool.get('property.assembly.ballot')
    voters = VoterOwner.search([('assembly', '=', meeting.id),
            ('party', '=', visit.party.id)], limit=1)
    voter = voters[0].voter if voters else None
    ballots = {}
    if voter:
        ballots = {b.matter.id: b for b in Ballot.search([
                    ('matter', 'in', [m.id for m in meeting.matters]),
                    ('voter', '=', voter.id)])}
    return visit.render('meeting.html', status=status, title=meeting.name,
        meeting=meeting, voter=voter, ballots=ballots, error=error,
        info=info, office_time=office_time,
        choices=selection_labels('property.assembly.ballot', 'choice'),
        results=selection_labels('property.assembly.matter', 'result'),
        states=selection_labels('property.assembly', 'state'))


@app.route(PREFIX + '/meetings/<int:meeting_id>', methods=['GET'])
@portal_page()
def meeting(visit, meeting_id):
    meeting = first_or_404(home_meetings(visit, [('id', '=', meeting_id)]))
    info = text('vote_saved') if visit.request.args.get('voted') else None
    return meeting_page(visit, meeting, info=info)


@app.route(PREFIX + '/meetings/<int:meeting_id>/vote', methods=['POST'])
@portal_page()
def vote(visit, meeting_id):
    """An owner of the electorate casts or changes the household's ballot
    on a matter of the open meeting: the assembly's rules refuse a
    non-owner, a meeting not open and a co-owner's second ballot"""
    Ballot = extra('property.assembly.ballot')
    meeting = first_or_404(home_meetings(visit, [('id', '=', meeting_id)]))
    form = visit.request.form
    matter_id = form.get('matter', '')[:12]
    choice = form.get('choice', '')[:12]

    def refuse(message):
        rollback()
        return meeting_page(visit, meeting, HTTPStatus.BAD_REQUEST,
            error=message)

    matters = {str(m.id): m for m in meeting.matters}
    matter = matters.get(matter_id)
    if matter is None:
        return refuse(text('vote_matter_other'))
    if choice not in dict(Ballot.fields_get(['choice'])['choice'][
                'selection']):
        return refuse(text('vote_choice_required'))
    try:
        Ballot.cast(matter, visit.party, choice)
    except (UserError, ValidationError) as exception:
        return refuse(text('vote_refused', reason=exception.message))
    return visit.redirect(f'meetings/{meeting.id}?voted=1#matter-{matter.id}')
