# This file is part of the property-management suite.
"""The portal's pages of the renovations (with property_decoration): an
owner applies for the renovation of a home they own now, with the
documents of the office's checklist uploaded, and follows the
application as the office works it: its state and history, the permit
once issued and the rectification notices of the job.

Only the homes the visitor owns now count: a resident who owns none gets
404, and an application (its documents, permit and notices) of another
owner or of a home the visitor no longer owns answers 404 as one that
does not exist."""
from http import HTTPStatus

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.protocols.wrappers import abort, set_max_request_size
from trytond.wsgi import app

from .routes import (
    DESCRIPTION_MAX, MAX_UPLOAD, PREFIX, extra, file_response, first_or_404,
    form_date, form_text, office_time, owned_units, selection_labels,
    upload_type)
from .web import portal_page, rollback, text

# The files of an application: images and PDF, 10 MB each (as the
# tickets' photos), a few per document of the checklist
MAX_DOCUMENT_FILES = 12
# The documents of the contractor's own: asked for only when the owner
# names a contractor (the owner's own workers have no licence)
CONTRACTOR_DOCUMENTS = {'business_licence', 'qualification'}
SCOPE_NOTE_MAX = 200
CONTENT_TYPES = {'jpg': 'image/jpeg', 'png': 'image/png',
    'gif': 'image/gif', 'webp': 'image/webp', 'heic': 'image/heic',
    'pdf': 'application/pdf'}
APPLICATIONS_SHOWN = 50


def owned_homes(visit):
    "The homes the visitor owns now, or 404 for one who owns none"
    extra('property.decoration.application')
    units = owned_units(visit)
    if not units:
        abort(HTTPStatus.NOT_FOUND)
    return units


def home_applications(visit, domain=None):
    "The visitor's renovation applications of the homes they own now"
    Application = extra('property.decoration.application')
    units = owned_homes(visit)
    return Application.search([
            ('unit', 'in', list(units)),
            ('owner', '=', visit.party.id),
            ] + (domain or []), limit=APPLICATIONS_SHOWN)


def home_application(visit, application_id):
    return first_or_404(home_applications(visit,
            [('id', '=', application_id)]))


def document_kinds(contractor):
    """The office's checklist of documents for the application: (kind,
    required) in its order, as the front desk takes them at the counter:
    the contractor's documents only with a contractor, its qualification
    certificate required only if it has one"""
    Application = Pool().get('property.decoration.application')
    kinds = []
    for document in Application.default_documents():
        kind, required = document['kind'], document['required']
        if kind in CONTRACTOR_DOCUMENTS:
            if contractor is None:
                continue
            if kind == 'qualification' and not (
                    contractor.qualification_number):
                required = False
        kinds.append((kind, required))
    return kinds


def contractors():
    "The decoration companies the office knows (with a business licence)"
    Party = Pool().get('party.party')
    return Party.search([('business_licence', '!=', None),
            ('business_licence', '!=', '')], order=[('name', 'ASC')])


def labels():
    model = 'property.decoration.application'
    return {
        'state': selection_labels(model, 'state'),
        'scope': selection_labels(model + '.scope', 'kind'),
        'document': selection_labels(model + '.document', 'kind'),
        'sanction': selection_labels('property.decoration.notice',
            'sanction'),
        'notice_state': selection_labels('property.decoration.notice',
            'state'),
        }


@app.route(PREFIX + '/renovations', methods=['GET'])
@portal_page()
def renovations(visit):
    return visit.render('renovations.html', title=text('renovations'),
        applications=home_applications(visit), labels=labels())


def renovation_form(visit, status=HTTPStatus.OK, error=None, values=None):
    Date = Pool().get('ir.date')
    units = owned_homes(visit)
    values = values or {}
    return visit.render('renovation_new.html', status=status,
        title=text('renovation_new'), error=error, values=values,
        scopes=values.get('scope') or [],
        units=sorted(units.values(),
            key=lambda u: (u.site.code or '', u.code or '')),
        contractors=contractors(), labels=labels(),
        documents=[(d['kind'], d['required']) for d in Pool().get(
                'property.decoration.application').default_documents()],
        contractor_documents=CONTRACTOR_DOCUMENTS,
        today=Date.today(), max_files=MAX_DOCUMENT_FILES,
        max_size=MAX_UPLOAD // 2 ** 20)


def read_uploads(visit, kinds):
    """The files sent for each kind of document: {kind: [(extension,
    data)]}, or the refusal's message"""
    uploads = {}
    count = 0
    for kind in kinds:
        for upload in visit.request.files.getlist(f'doc_{kind}'):
            data = upload.read(MAX_UPLOAD + 1)
            if not data:
                continue  # an empty file input
            count += 1
            if count > MAX_DOCUMENT_FILES:
                return None, text('renovation_files_too_many',
                    count=MAX_DOCUMENT_FILES)
            if len(data) > MAX_UPLOAD:
                return None, text('photo_too_big',
                    size=MAX_UPLOAD // 2 ** 20)
            extension = upload_type(data)
            if extension is None:
                return None, text('photo_wrong_type')
            uploads.setdefault(kind, []).append((extension, data))
    return uploads, None


@app.route(PREFIX + '/renovations/new', methods=['GET', 'POST'])
@set_max_request_size(MAX_DOCUMENT_FILES * MAX_UPLOAD + 2 ** 20)
@portal_page()
def renovation_new(visit):
    """The owner applies for the renovation of a home they own: the
    application is created as the office's own entry and submitted, with
    the documents uploaded; the office then examines and approves it"""
    Date = Pool().get('ir.date')
    extra('property.decoration.application')
    if visit.request.method == 'GET':
        return renovation_form(visit)
    units = owned_homes(visit)
    form = visit.request.form
    values = {name: form_text(visit, name, limit) for name, limit in [
            ('unit', 12), ('planned_start', 10), ('planned_end', 10),
            ('contractor', 12), ('description', DESCRIPTION_MAX)]}
    scope_kinds = dict(labels()['scope'])
    values['scope'] = [k for k in form.getlist('scope')[:len(scope_kinds)]
        if k in scope_kinds]
    notes = {k: form_text(visit, f'scope_note_{k}', SCOPE_NOTE_MAX)
        for k in values['scope']}
    values.update({f'scope_note_{k}': v for k, v in notes.items()})

    def refuse(message):
        rollback()
        return renovation_form(visit, HTTPStatus.BAD_REQUEST, message,
            values)

    unit = {str(i): u for i, u in units.items()}.get(values['unit'])
    if unit is None:
        return refuse(text('ticket_unit_required'))
    start = form_date(values['planned_start'])
    end = form_date(values['planned_end'])
    if start is None or end is None:
        return refuse(text('renovation_dates_required'))
    today = Date.today()
    if start < today:
        return refuse(text('renovation_start_past'))
    if end < start:
        return refuse(text('renovation_end_before_start'))
    contractor = None
    if values['contractor']:
        contractor = {str(c.id): c for c in contractors()}.get(
            values['contractor'])
        if contractor is None:
            return refuse(text('renovation_contractor_unknown'))
    if not values['scope']:
        return refuse(text('renovation_scope_required'))
    if any(len(n) > SCOPE_NOTE_MAX for n in notes.values()):
        return refuse(text('text_long', length=SCOPE_NOTE_MAX))
    description = values['description']
    if len(description) > DESCRIPTION_MAX:
        return refuse(text('ticket_description_long',
                length=DESCRIPTION_MAX))
    kinds = document_kinds(contractor)
    uploads, error = read_uploads(visit, [k for k, _ in kinds])
    if error:
        return refuse(error)
    labels_ = labels()['document']
    missing = [labels_[k] for k, required in kinds
        if required and k not in uploads]
    if missing:
        return refuse(text('renovation_documents_missing',
                documents='、'.join(missing)))
    try:
        application = apply_for_renovation(visit.party, unit, start, end,
            contractor, [(k, notes[k]) for k in values['scope']],
            description, kinds, uploads)
    except (UserError, ValidationError) as exception:
        return refuse(exception.message)
    return visit.redirect(f'renovations/{application.id}?sent=1')


def apply_for_renovation(owner, unit, start, end, contractor, scopes,
        description, kinds, uploads):
    """The owner's application for the renovation of the unit, created as
    the front desk enters one and submitted: scopes are (kind, note),
    kinds the checklist's (kind, required) and uploads {kind: [(extension,
    data)]}, the documents received"""
    pool = Pool()
    Application = pool.get('property.decoration.application')
    Attachment = pool.get('ir.attachment')
    today = pool.get('ir.date').today()
    labels_ = labels()['scope']
    application, = Application.create([{
                'company': unit.site.company.id,
                'unit': unit.id,
                'owner': owner.id,
                'phone': owner.mobile or owner.phone or None,
                'contractor': contractor.id if contractor else None,
                'date': today,
                'planned_start': start,
                'planned_end': end,
                'description': description or None,
                'channel': 'portal',
                'scope_items': [('create', [{
                                'kind': kind,
                                'description': note or labels_[kind],
                                } for kind, note in scopes])],
                'documents': [('create', [{
                                'kind': kind,
                                'required': required,
                                'received': kind in uploads,
                                'received_date': (
                                    today if kind in uploads else None),
                                'note': ', '.join(f'{kind}-{n}.{e}'
                                    for n, (e, _) in enumerate(
                                        uploads.get(kind, []), 1)) or None,
                                } for kind, required in kinds])],
                }])
    # the documents are the application's attachments, as the office
    # files the copies handed in at the counter
    Attachment.create([{
                'resource': str(application),
                'name': f'{kind}-{n}.{extension}',
                'data': data,
                'type': 'data',
                } for kind, files in uploads.items()
            for n, (extension, data) in enumerate(files, 1)])
    # sent to the office as a clerk submits one taken at the counter
    Application.submit([application])
    return application


def application_attachments(application):
    Attachment = Pool().get('ir.attachment')
    return Attachment.search([('resource', '=', str(application))],
        order=[('name', 'ASC'), ('id', 'ASC')])


def application_notices(application):
    "The rectification notices of the job, the latest first"
    Notice = Pool().get('property.decoration.notice')
    return Notice.search([('violation.application', '=', application.id)])


@app.route(PREFIX + '/renovations/<int:application_id>', methods=['GET'])
@portal_page()
def renovation(visit, application_id):
    application = home_application(visit, application_id)
    changes = sorted(application.state_changes,
        key=lambda c: (c.date, c.id))
    return visit.render('renovation.html',
        title=text('renovation_title', number=application.number or ''),
        application=application, labels=labels(), changes=changes,
        attachments=application_attachments(application),
        notices=application_notices(application), office_time=office_time,
        info=text('renovation_sent') if visit.request.args.get('sent')
        else None)


@app.route(PREFIX
    + '/renovations/<int:application_id>/attachments/<int:attachment_id>',
    methods=['GET'])
@portal_page()
def renovation_attachment(visit, application_id, attachment_id):
    application = home_application(visit, application_id)
    attachment = first_or_404([a for a in application_attachments(
                application) if a.id == attachment_id])
    data = bytes(attachment.data or b'')
    extension = upload_type(data)
    return file_response(visit, data,
        CONTENT_TYPES.get(extension, 'application/octet-stream'),
        f'{attachment.id}.{extension or "bin"}')


@app.route(PREFIX + '/renovations/<int:application_id>/permit.pdf',
    methods=['GET'])
@portal_page()
def renovation_permit(visit, application_id):
    "The permit (装修许可证) once the office issued it"
    Report = extra('property.decoration.permit', type='report')
    application = home_application(visit, application_id)
    if not application.permit_number:
        abort(HTTPStatus.NOT_FOUND)
    _, content, _, _ = Report.execute([application.id], {
            'model': application.__name__, 'id': application.id,
            'ids': [application.id]})
    return file_response(visit, bytes(content), 'application/pdf',
        f'permit-{application.permit_number}.pdf')


@app.route(PREFIX
    + '/renovations/<int:application_id>/notices/<int:notice_id>/notice.pdf',
    methods=['GET'])
@portal_page()
def renovation_notice(visit, application_id, notice_id):
    "A rectification notice (违章整改通知单) of the job"
    Report = extra('property.decoration.notice.report', type='report')
    application = home_application(visit, application_id)
    notice = first_or_404([n for n in application_notices(application)
            if n.id == notice_id])
    _, content, _, _ = Report.execute([notice.id], {
            'model': notice.__name__, 'id': notice.id, 'ids': [notice.id]})
    return file_response(visit, bytes(content), 'application/pdf',
        f'notice-{notice.number or notice.id}.pdf')
