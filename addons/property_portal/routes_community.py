# This file is part of the property-management suite.
"""The portal's pages of the community (with property_community): the
notices of the visitor's homes, read with a receipt, the owners'
meetings of their sites, voted on under the assembly's own rules, the
satisfaction surveys of their sites, answered once per home, and (with
property_billing) the published statements of the common income

A notice not for one of the visitor's homes, and a meeting, a survey or
a statement not of their sites (or still a draft), answer 404 as one that
does not exist."""
import re
from http import HTTPStatus

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import office_today
from trytond.pool import Pool
from trytond.protocols.wrappers import abort
from trytond.wsgi import app

from .portal import home_units
from .routes import (
    COMMENT_MAX, PREFIX, extra, file_response, first_or_404, office_time,
    selection_labels)
from .web import portal_page, rollback, text

# The meetings the portal shows: the one voted on now and the closed ones
# (their results); a draft is the office's
MEETING_STATES = ['open', 'closed']
MEETINGS_SHOWN = 20
# The surveys the portal shows: the one answered now and the closed ones
# (the household's answer stays readable)
SURVEY_STATES = ['open', 'closed']
SURVEYS_SHOWN = 20


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


# -- satisfaction surveys -----------------------------------------------------

def home_surveys(visit, domain=None):
    "The open or closed surveys of the sites of the visitor's homes"
    Survey = extra('property.survey')
    sites = list({u.site.id for u in home_units(visit.party)})
    return Survey.search([('site', 'in', sites),
            ('state', 'in', SURVEY_STATES)] + (domain or []),
        order=[('start_date', 'DESC'), ('id', 'DESC')],
        limit=SURVEYS_SHOWN)


@app.route(PREFIX + '/surveys', methods=['GET'])
@portal_page()
def surveys(visit):
    return visit.render('surveys.html', title=text('surveys'),
        surveys=home_surveys(visit),
        states=selection_labels('property.survey', 'state'))


def survey_page(visit, survey, status=HTTPStatus.OK, error=None,
        info=None, values=None):
    """The survey's questions with, for each of the visitor's homes of its
    site, the household's answer (read-only) or the form to answer"""
    from trytond.modules.property_community.survey import HIGHEST, LOWEST
    Answer = Pool().get('property.survey.answer')
    units = [u for u in home_units(visit.party) if u.site == survey.site]
    answers = {a.unit.id: a for a in Answer.search([
                ('survey', '=', survey.id),
                ('unit', 'in', [u.id for u in units])])}
    homes = []
    for unit in units:
        answer = answers.get(unit.id)
        scores = {l.question.id: l.score for l in answer.lines} if (
            answer) else {}
        homes.append((unit, answer, scores))
    return visit.render('survey.html', status=status, title=survey.name,
        survey=survey, homes=homes, error=error, info=info,
        values=values or {}, office_time=office_time,
        channels=selection_labels('property.survey.answer', 'channel'),
        states=selection_labels('property.survey', 'state'),
        scale=range(LOWEST, HIGHEST + 1))


@app.route(PREFIX + '/surveys/<int:survey_id>', methods=['GET'])
@portal_page()
def survey(visit, survey_id):
    survey = first_or_404(home_surveys(visit, [('id', '=', survey_id)]))
    info = text('survey_saved') if visit.request.args.get('answered') \
        else None
    return survey_page(visit, survey, info=info)


@app.route(PREFIX + '/surveys/<int:survey_id>/answer', methods=['POST'])
@portal_page()
def survey_answer(visit, survey_id):
    """The household of one of the visitor's homes answers the survey:
    a score from 1 to 5 for every question and a comment; the survey's
    rules refuse a survey not open, a second answer of the home and a
    score out of the scale, nothing saved"""
    Answer = extra('property.survey.answer')
    survey = first_or_404(home_surveys(visit, [('id', '=', survey_id)]))
    form = visit.request.form
    units = {str(u.id): u for u in home_units(visit.party)
        if u.site == survey.site}
    unit = units.get(form.get('unit', '')[:12])
    if unit is None:
        # another's home (or none): as one that does not exist
        abort(HTTPStatus.NOT_FOUND)
    values = {k: form.get(k, '')[:12] for k in form if k.startswith('q')}
    # (no NUL character: PostgreSQL stores none in a text)
    comment = form.get('comment', '').replace('\x00', '').strip()[
        :COMMENT_MAX] or None

    def refuse(message):
        rollback()
        return survey_page(visit, survey, HTTPStatus.BAD_REQUEST,
            error=message, values={'unit': unit.id, 'comment': comment,
                **values})

    scores = {}
    for section in survey.sections:
        for question in section.questions:
            value = values.get(f'q{question.id}', '').strip()
            if not re.fullmatch(r'-?[0-9]{1,3}', value):
                return refuse(text('survey_score_required',
                        question=question.text))
            scores[question.id] = int(value)
    try:
        Answer.submit(survey, unit, visit.party, scores, comment,
            channel='portal')
    except (UserError, ValidationError) as exception:
        return refuse(text('survey_refused', reason=exception.message))
    return visit.redirect(
        f'surveys/{survey.id}?answered=1#home-{unit.id}')


# -- common income statements (with property_billing) -------------------------

def home_statements(visit):
    "The published common income statements of the visitor's sites"
    Statement = extra('property.community.income.statement')
    sites = {u.site for u in home_units(visit.party)}
    return [s for site in sorted(sites, key=lambda s: s.code or '')
        for s in Statement.published_statements(site)]


@app.route(PREFIX + '/statements', methods=['GET'])
@portal_page()
def statements(visit):
    return visit.render('statements.html', title=text('statements'),
        statements=home_statements(visit))


@app.route(PREFIX + '/statements/<int:statement_id>/statement.pdf',
    methods=['GET'])
@portal_page()
def statement_pdf(visit, statement_id):
    Report = extra('property.community.income.statement.report',
        type='report')
    statement = first_or_404([s for s in home_statements(visit)
            if s.id == statement_id])
    _, content, _, _ = Report.execute([statement.id], {
            'model': statement.__name__, 'id': statement.id,
            'ids': [statement.id]})
    return file_response(visit, bytes(content), 'application/pdf',
        f'statement-{statement.year}-Q{statement.quarter}.pdf')
