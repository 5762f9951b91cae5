/**
 * The API's one error path: whatever a route throws becomes a problem+json answer with the right
 * status: 400 naming the field for bad input, 413 for a large body, 503 with Retry-After when
 * Temporal is unreachable, 500 (without leaking the message) for anything else.
 */
import { Metadata, status as grpcStatus } from '@grpc/grpc-js';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { isTemporalUnavailable, parseOr400, problem, ProblemError, sendProblem, toProblem, validationProblem } from '../../src/api/errors';
import { caseIdForIdempotencyKey, newCaseId } from '../../src/api/case-intake';
import { problemDocument } from '../../src/api/problem-document';
import { resourceOfWorkflowId } from '../../src/api/resources';
import { mediationIdForCase } from '../../src/domain/mediation-model';
import { obligationIdFor } from '../../src/domain/obligation-model';
import { REDACTION_SCHEDULE_ID } from '../../src/records/redaction-schedule';
import { calendarRolloutWorkflowId } from '../../src/workflows/calendar-definitions';
import { caseWorkflowId } from '../../src/workflows/case-definitions';
import { handOverWorkflowId } from '../../src/workflows/hand-over-definitions';
import { mediationWorkflowId } from '../../src/workflows/mediation-definitions';
import { message } from '../../src/i18n/message';

/** An error shaped like the ones @grpc/grpc-js rejects with. */
function grpcError(code: number, details = ''): Error {
  return Object.assign(new Error(`${code} ${grpcStatus[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

/** The field paths a problem names. */
const fieldsOf = (p: ProblemError) => (p.errors ?? []).map((e) => e.field);

describe('toProblem', () => {
  it('passes a ProblemError through untouched', () => {
    const original = problem(409, 'conflict', message('detail.closed', { what: 'case' }));
    expect(toProblem(original)).toBe(original);
  });

  it('answers 404 for a workflow that does not exist', () => {
    const p = toProblem(new WorkflowNotFoundError('workflow not found', 'case-x', undefined));
    expect([p.status, p.kind]).toEqual([404, 'not_found']);
  });

  it.each([
    ['c-abcdefgh23456789', 'case', 'No such case'],
    ['m-abcdefgh23456789', 'mediation', 'No such mediation'],
    ['o-g-worker-g-p7d', 'obligation', 'No such obligation'],
    ['hand-over-g-worker', 'handOver', 'No such hand-over'],
    ['calendar-rollout-abc123', 'workflow', 'No such workflow'],
  ])('names what was missing by its workflow id (%s: %s)', (workflowId, what, english) => {
    const p = toProblem(new WorkflowNotFoundError('workflow not found', workflowId, undefined));
    expect(p).toMatchObject({ status: 404, detail: { key: 'detail.noSuch', values: { what } } });
    expect(problemDocument(p, 'en', 'UTC').detail).toBe(english);
    expect(problemDocument(p, 'zh-CN', 'UTC').detail).toMatch(/不存在$/);
  });

  it('answers 400 naming the body for JSON the body parser could not read', () => {
    const parseFailed = Object.assign(new SyntaxError('Unexpected token } in JSON at position 12'), {
      status: 400,
      statusCode: 400,
      type: 'entity.parse.failed',
      body: '{"description":}',
    });
    const p = toProblem(parseFailed);
    expect(p).toMatchObject({ status: 400, kind: 'bad_request', detail: { key: 'detail.bodyNotJson' } });
    expect(p.errors).toEqual([{ field: 'body', message: { key: 'detail.bodyNotJson' } }]);
  });

  it('answers 400 for another client error of the body parser, without its English message', () => {
    const p = toProblem(Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' }));
    expect(p).toMatchObject({ status: 400, kind: 'bad_request', detail: { key: 'detail.badRequest' } });
    expect(fieldsOf(p)).toEqual(['body']);
  });

  it('answers 413 for a body that is too large', () => {
    const p = toProblem(Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' }));
    expect([p.status, p.kind]).toEqual([413, 'payload_too_large']);
  });

  it('answers 415 for an unsupported content type', () => {
    const p = toProblem(Object.assign(new Error('unsupported charset "KOI8-R"'), { status: 415, type: 'charset.unsupported' }));
    expect(p).toMatchObject({ status: 415, kind: 'unsupported_media_type', detail: { key: 'detail.unsupportedMediaType' } });
  });

  it.each([
    ['UNAVAILABLE', grpcStatus.UNAVAILABLE],
    ['DEADLINE_EXCEEDED', grpcStatus.DEADLINE_EXCEEDED],
    ['RESOURCE_EXHAUSTED', grpcStatus.RESOURCE_EXHAUSTED],
  ])('answers 503 with Retry-After when the cause is a gRPC %s error', (_name, code) => {
    const cause = grpcError(code);
    const wrapped = new Error('Failed to start workflow', { cause });
    const p = toProblem(wrapped);
    expect(p).toMatchObject({ status: 503, kind: 'unavailable' });
    expect(p.headers).toEqual({ 'Retry-After': '5' });
    expect(p.cause).toBe(wrapped);
  });

  it('answers 503 for a refused connection found down the cause chain', () => {
    const chain = new Error('start failed', { cause: new Error('outer', { cause: new Error('connect ECONNREFUSED 127.0.0.1:7233') }) });
    expect(isTemporalUnavailable(chain)).toBe(true);
    expect(toProblem(chain).status).toBe(503);
  });

  it('does not take a gRPC error that is about the request for an outage', () => {
    const p = toProblem(new Error('bad', { cause: grpcError(grpcStatus.INVALID_ARGUMENT, 'bad search attribute') }));
    expect(isTemporalUnavailable(grpcError(grpcStatus.INVALID_ARGUMENT))).toBe(false);
    expect(p.status).toBe(500);
    expect(p.headers).toEqual({});
  });

  it('answers 500 for an unknown error, keeping it as the cause but not in the detail', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'ladder')");
    const p = toProblem(bug);
    expect(p).toMatchObject({ status: 500, kind: 'internal', detail: { key: 'detail.unexpected' } });
    expect(p.cause).toBe(bug);
    expect(JSON.stringify(problemDocument(p, 'en', 'UTC'))).not.toContain('ladder');
  });

  it('treats a server-side HTTP status as 500, not as the client’s fault', () => {
    expect(toProblem(Object.assign(new Error('upstream'), { status: 502 })).status).toBe(500);
  });

  it.each([
    ['a string', 'boom'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
  ])('answers 500 when %s is thrown', (_label, thrown) => {
    // toProblem takes `unknown`: "maps anything thrown in a route", so it must not throw itself.
    let p: ProblemError | undefined;
    expect(() => {
      p = toProblem(thrown);
    }).not.toThrow();
    expect(p?.status).toBe(500);
  });
});

describe('resourceOfWorkflowId', () => {
  it('knows the workflow id of each kind the API names, as each is made', () => {
    expect(resourceOfWorkflowId(caseWorkflowId(newCaseId()))).toBe('case');
    expect(resourceOfWorkflowId(caseWorkflowId(caseIdForIdempotencyKey('staff:g-worker', 'call-1')))).toBe('case');
    expect(resourceOfWorkflowId(mediationWorkflowId(mediationIdForCase(newCaseId(), 2)))).toBe('mediation');
    expect(resourceOfWorkflowId(obligationIdFor('g-worker', 'g', 'P7D'))).toBe('obligation');
    expect(resourceOfWorkflowId(handOverWorkflowId('c-sec'))).toBe('handOver');
  });

  it('names no resource for the workflows the API does not expose', () => {
    expect(resourceOfWorkflowId(calendarRolloutWorkflowId('abc123'))).toBeUndefined();
    expect(resourceOfWorkflowId(REDACTION_SCHEDULE_ID)).toBeUndefined();
  });
});

describe('validationProblem and parseOr400', () => {
  const schema = z.object({
    category: z.string().min(1),
    location: z.object({ lat: z.number().min(-90).max(90), lng: z.number() }).optional(),
    photos: z.array(z.url()).optional(),
  });

  it('names every bad field as a dotted path under where it was found', () => {
    const result = schema.safeParse({ location: { lat: 123, lng: 'east' }, photos: ['https://example.org/a.jpg', 'not a url'] });
    expect(result.success).toBe(false);
    const p = validationProblem(result.error!, 'body');
    expect(p).toMatchObject({ status: 400, kind: 'bad_request' });
    expect(fieldsOf(p).sort()).toEqual(['body.category', 'body.location.lat', 'body.location.lng', 'body.photos.1']);
    for (const field of fieldsOf(p)) expect(p.detail.values?.fields).toContain(field);
  });

  it('answers 422 "validation" when asked', () => {
    const p = validationProblem(z.object({ rating: z.number().max(5) }).safeParse({ rating: 9 }).error!, 'body', 422);
    expect(p).toMatchObject({
      status: 422,
      kind: 'validation',
      errors: [{ field: 'body.rating', issue: expect.objectContaining({ code: 'too_big' }) as unknown }],
    });
  });

  it('names the query or the whole object when the path is empty', () => {
    const p = validationProblem(z.string().safeParse(3).error!, 'query');
    expect(fieldsOf(p)).toEqual(['query']);
  });

  it('returns the parsed value, or throws the problem', () => {
    expect(parseOr400(schema, { category: 'road_repair' }, 'body')).toEqual({ category: 'road_repair' });
    expect(() => parseOr400(schema, {}, 'body')).toThrow(ProblemError);
    try {
      parseOr400(schema, { category: '' }, 'query');
    } catch (error) {
      expect(fieldsOf(error as ProblemError)).toEqual(['query.category']);
    }
    expect.assertions(3);
  });
});

describe('sendProblem', () => {
  function fakeExchange(language: string | false) {
    const sent: { status?: number; type?: string; headers: Record<string, string>; body?: string } = { headers: {} };
    const res = {
      set: (name: string, value: string) => {
        sent.headers[name] = value;
        return res;
      },
      status: (code: number) => {
        sent.status = code;
        return res;
      },
      type: (type: string) => {
        sent.type = type;
        return res;
      },
      send: (body: string) => {
        sent.body = body;
        return res;
      },
    };
    const req = { acceptsLanguages: () => language, get: () => (language === false ? undefined : language), app: { locals: {} } };
    return { req: req as unknown as Request, res: res as unknown as Response, sent };
  }

  it('writes problem+json with a title in the caller’s language, the field errors and the headers', () => {
    const { req, res, sent } = fakeExchange('en');
    const p = validationProblem(z.object({ category: z.string() }).safeParse({}, { reportInput: true }).error!, 'body');
    sendProblem(req, res, p);
    expect(sent.status).toBe(400);
    expect(sent.type).toBe('application/problem+json');
    expect(JSON.parse(sent.body!)).toEqual({
      type: 'urn:gridflow:problem:bad_request',
      title: 'Bad request',
      status: 400,
      detail: 'These fields are wrong: body.category',
      errors: [{ field: 'body.category', message: 'is required' }],
    });
  });

  it('answers in Chinese by default, with Retry-After on 503', () => {
    const { req, res, sent } = fakeExchange(false);
    sendProblem(req, res, toProblem(new Error('x', { cause: grpcError(grpcStatus.UNAVAILABLE) })));
    expect(sent.status).toBe(503);
    expect(sent.headers).toEqual({ 'Retry-After': '5' });
    expect(JSON.parse(sent.body!)).toMatchObject({ title: '服务暂不可用', status: 503 });
    expect(JSON.parse(sent.body!)).not.toHaveProperty('errors');
  });
});

describe("problemDocument: every word from the catalogs, in the caller's language", () => {
  it("words zod's own issues in Chinese or English, never leaking the input", () => {
    const schema = z.strictObject({ rating: z.number().max(5), name: z.string() });
    let caught: ProblemError | undefined;
    try {
      parseOr400(schema, { rating: 9, name: 7, secret: 'x' }, 'body');
    } catch (error) {
      caught = error as ProblemError;
    }
    const zh = problemDocument(caught!, 'zh-CN', 'Asia/Shanghai');
    expect(zh.detail).toBe('以下字段有误：body.rating, body.name, body');
    expect(zh.errors).toEqual([
      // The catalog words type and size issues: zod's Chinese locale keeps English type names.
      { field: 'body.rating', message: '不得大于 5' },
      { field: 'body.name', message: '须为文本' },
      { field: 'body', message: '出现未知的键(key): "secret"' },
    ]);
    const en = problemDocument(caught!, 'en', 'Asia/Shanghai');
    expect(en.errors?.[1]).toEqual({ field: 'body.name', message: 'must be text' });
    expect(JSON.stringify(en)).not.toContain('"x"');
  });

  it('translates messages our schemas word as catalog keys', () => {
    const schema = z.object({ note: z.string().min(1, 'field.notEmpty') });
    const p = validationProblem(schema.safeParse({ note: '' }).error!, 'body');
    expect(problemDocument(p, 'zh-CN', 'UTC').errors).toEqual([{ field: 'body.note', message: '不能为空' }]);
    expect(problemDocument(p, 'en', 'UTC').errors).toEqual([{ field: 'body.note', message: 'must not be empty' }]);
  });

  it("nests translated enum names and shows instants in the city's local time", () => {
    const p = problem(409, 'conflict', message('refusal.caseWrongStatus', { action: 'resolve', status: 'waiting_info' }));
    expect(problemDocument(p, 'zh-CN', 'UTC').detail).toBe('工单处于“待补充信息”状态，不能办结');
    expect(problemDocument(p, 'en', 'UTC').detail).toBe('Cannot resolve a case that is waiting for information');
    const closed = problem(409, 'conflict', message('refusal.judicialWindowClosed', { closesAt: '2026-03-01T15:59:59.000Z' }));
    expect(problemDocument(closed, 'zh-CN', 'Asia/Shanghai').detail).toBe('司法确认申请期限已于 2026-03-01 23:59 (UTC+8) 届满');
  });
});
