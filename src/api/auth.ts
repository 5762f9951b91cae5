/**
 * Who is calling: staff by JWT (HS256; roles and scope come from the directory, never the token),
 * integrations by API key (stored as SHA-256, compared in constant time), residents by the
 * per-case token handed out at submission.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import type { GridflowConfig, Integration } from '../config/schema';
import type { Staff } from '../domain/org-types';
import type { Actor } from '../domain/case-model';
import { postsOf } from '../domain/directory-rules';
import { OrgTree } from '../domain/org-tree';
import { integrationLookup } from './api-keys';
import { problem } from './errors';
import { message } from '../i18n/message';

/** The authenticated caller of a request. */
export type Principal = { kind: 'staff'; staff: Staff } | { kind: 'integration'; integration: Integration } | { kind: 'anonymous' };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** How long a staff token is valid. */
export const STAFF_TOKEN_TTL = '12h';
const ISSUER = 'gridflow';

export interface AuthOptions {
  config: GridflowConfig;
  secret: string;
  /**
   * The live directory: a token names someone only while they are active in it, so a leaver is
   * refused as soon as the directory says so. Absent: the config's staff, as they were at start.
   */
  org?: OrgTree | undefined;
}

/** Signs a staff token for `staffId` (used by `npm run token` and the dashboard sign-in). */
export function signStaffToken(secret: string, staffId: string, expiresIn: jwt.SignOptions['expiresIn'] = STAFF_TOKEN_TTL): string {
  return jwt.sign({}, secret, { algorithm: 'HS256', subject: staffId, issuer: ISSUER, expiresIn });
}

/** The resident's token for one case: an HMAC, so nothing needs storing and it cannot be guessed. */
export function caseTokenFor(secret: string, caseId: string): string {
  return createHmac('sha256', secret).update(`case:${caseId}`).digest('base64url').slice(0, 32);
}

/** Constant-time check of a resident's case token. */
export function isValidCaseToken(secret: string, caseId: string, token: string): boolean {
  const expected = Buffer.from(caseTokenFor(secret, caseId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Express middleware: sets `req.principal`, or answers 401 for a credential that does not verify. */
export function authenticate({ config, secret, org = new OrgTree(config.units, config.staff) }: AuthOptions) {
  const integrationFor = integrationLookup(config);

  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const apiKey = req.get('x-api-key');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) return next(problem(401, 'unauthorized', message('detail.bearerMalformed')));
      let subject: string | undefined;
      try {
        const claims = jwt.verify(match[1], secret, { algorithms: ['HS256'], issuer: ISSUER });
        subject = typeof claims === 'object' ? claims.sub : undefined;
      } catch (error) {
        return next(problem(401, 'unauthorized', message(error instanceof jwt.TokenExpiredError ? 'detail.tokenExpired' : 'detail.tokenInvalid')));
      }
      const staff = subject === undefined ? undefined : org.staff(subject);
      if (!staff)
        return next(
          problem(401, 'unauthorized', message(subject !== undefined && org.person(subject) ? 'detail.directory.staffLeft' : 'detail.tokenUnknownStaff')),
        );
      req.principal = { kind: 'staff', staff };
      return next();
    }
    if (apiKey !== undefined) {
      const found = integrationFor(apiKey);
      if (!found) return next(problem(401, 'unauthorized', message('detail.apiKeyUnknown')));
      req.principal = { kind: 'integration', integration: found };
      return next();
    }
    req.principal = { kind: 'anonymous' };
    return next();
  };
}

/** The principal as a case actor (for timelines and the workflow's own actor checks). */
export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'staff': {
      const { staff } = principal;
      const posts = postsOf(staff);
      // Posts travel only for someone holding several: the workflow rules then allow a step from any of them.
      return {
        kind: 'staff',
        id: staff.id,
        role: staff.role,
        unitId: staff.unit,
        ...(posts.length > 1 ? { posts: posts.map((post) => ({ unitId: post.unit, role: post.role })) } : {}),
      };
    }
    case 'integration':
      return { kind: 'integration', id: principal.integration.id };
    case 'anonymous':
      return { kind: 'resident' };
  }
}

/** Requires a staff member or an integration; answers 401 otherwise. */
export function requireCaller(req: Request): Exclude<Principal, { kind: 'anonymous' }> {
  const principal = req.principal;
  if (!principal || principal.kind === 'anonymous') throw problem(401, 'unauthorized', message('detail.credentialsMissing'));
  return principal;
}

/** Requires a staff member; answers 401/403 otherwise. */
export function requireStaff(req: Request): Staff {
  const principal = requireCaller(req);
  if (principal.kind !== 'staff') throw problem(403, 'forbidden', message('detail.staffOnly'));
  return principal.staff;
}
