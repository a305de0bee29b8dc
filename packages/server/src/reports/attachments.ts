import { webcrypto } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { attachmentMaxBytes, attachmentMimePattern, routes, type Attachment } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { AuthService } from '../auth/service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { AppError, notFound } from '../http/errors.js';
import { register } from '../http/register.js';
import { loadVisible } from './access.js';
import { presentAttachment } from './presenter.js';
import * as repo from './repository.js';
import { asPerson, seesReporter, type Person } from './workflow.js';

/** Control characters, path separators and quotes never reach a stored name or a header. */
const cleanName = (name: string) =>
  name
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f"\\/]/g, '_')
    .trim()
    .slice(0, 200) || 'datei';

/** RFC 6266: an ASCII fallback and the exact name in UTF-8; always a download, never shown inline. */
const disposition = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]!.trim().toLowerCase();

export class AttachmentService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Evidence is added by the reporter while the report is a draft or just submitted (before the
   * supervisor's release); the SHA-256 and the upload time are fixed at upload, so anyone can
   * later prove the file is the one that was handed in.
   */
  async upload(actor: Person, reportId: string, name: string, mime: string, bytes: Buffer | null): Promise<Attachment> {
    // Before the transaction, on libuv's thread pool (WebCrypto): hashing 10 MB on the event loop
    // would hold it ~20 ms, and inside the transaction it would hold PGlite's one connection.
    const sha256 = bytes?.length ? Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex') : '';
    return this.db.transaction(async (tx) => {
      const { row } = await loadVisible(tx, actor, reportId, this.clock.now(), true);
      if (row.reporterPersonId !== actor.personId)
        throw new AppError('forbidden', 'Beweismittel fügt die meldende Person hinzu');
      if (row.status !== 'draft' && row.status !== 'submitted')
        throw new AppError('invalid_transition', 'Nach der Freigabe können keine Beweismittel mehr hinzugefügt werden');
      if (!bytes || bytes.length === 0 || !attachmentMimePattern.test(mime))
        throw new AppError('bad_request', 'Bitte die Datei als Inhalt senden (Bild, Ton, PDF oder Text)');
      const now = this.clock.now();
      const a = await repo.insertAttachment(tx, {
        orgId: actor.orgId,
        reportId,
        name: cleanName(name),
        mime,
        size: bytes.length,
        sha256,
        uploadedAt: now,
        uploadedBy: actor.personId,
        content: bytes,
      });
      // Evidence added to a draft is audited with its hash when the report is submitted: a draft
      // that ends below the threshold must leave no trace of who reported. Added later, it is a
      // reporter-side entry: no person named, not listed to IT.
      if (row.status !== 'draft')
        await appendAudit(tx, {
          orgId: actor.orgId,
          at: now,
          actor,
          reporterSide: true,
          action: 'report.attachment_added',
          subject: `report:${reportId}`,
          detail: { attachmentId: a.id, mime, size: bytes.length, sha256 },
        });
      return presentAttachment(a);
    });
  }

  async list(actor: Person, reportId: string): Promise<Attachment[]> {
    await this.visible(actor, reportId);
    return (await repo.attachmentsOf(this.db, reportId)).map(presentAttachment);
  }

  async file(actor: Person, reportId: string, attachmentId: string) {
    await this.visible(actor, reportId);
    const a = await repo.attachmentFile(this.db, reportId, attachmentId);
    if (!a) throw notFound('Beweismittel');
    return a;
  }

  /**
   * Evidence files are for those who may know the reporter (the reporter, the supervisor, HR,
   * who files the complaint with them): a photo, a recording or a file's name may show who
   * reported. The central unit reads how many there are in its view of the report.
   */
  private async visible(actor: Person, reportId: string): Promise<void> {
    const { row, viewer } = await loadVisible(this.db, actor, reportId, this.clock.now());
    if (!seesReporter(viewer, row))
      throw new AppError(
        'forbidden',
        'Beweismittel sehen die meldende Person, ihre vorgesetzte Person und das Personalmanagement',
      );
  }
}

/** Fastify matches the whole header: the evidence types, with parameters such as a charset. */
const evidenceTypes = new RegExp(`${attachmentMimePattern.source.slice(0, -1)}(\\s*;.*)?$`, 'i');

/**
 * The evidence routes. Uploads are raw bodies (a photo is not JSON), so they get their own
 * encapsulated scope: only the evidence types are parsed, up to 10 MB; anything else is refused
 * before its body is read.
 */
export function attachmentRoutes(app: FastifyInstance, auth: AuthService, service: AttachmentService): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      evidenceTypes,
      { parseAs: 'buffer', bodyLimit: attachmentMaxBytes },
      (_req, body, done) => done(null, body),
    );
    scope.addContentTypeParser('*', (_req, _payload, done) =>
      done(
        new AppError(
          'unsupported_media_type',
          'Als Beweismittel gehen Bilder, Tonaufnahmen, PDF und Text (image/*, audio/*, application/pdf, text/plain)',
        ),
        undefined,
      ),
    );
    register(
      scope,
      auth,
      routes.uploadAttachment,
      ({ actor, params, query, req }) => {
        const bytes = Buffer.isBuffer(req.body) ? req.body : null;
        return service.upload(asPerson(actor), params.id, query.name, mediaType(req.headers['content-type']), bytes);
      },
      { accepts: evidenceTypes, heavy: true },
    );
  });
  register(app, auth, routes.listAttachments, ({ actor, params }) => service.list(asPerson(actor), params.id));
  register(app, auth, routes.downloadAttachment, async ({ actor, params, reply }) => {
    const a = await service.file(asPerson(actor), params.id, params.attachmentId);
    reply.header('content-type', a.mime).header('content-disposition', disposition(a.name));
    reply.header('cache-control', 'private, no-store');
    return a.content;
  });
}
