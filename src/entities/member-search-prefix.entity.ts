import { Entity, PrimaryColumn } from 'typeorm';

/**
 * The member search index (docs/architecture.md, "Member search"): one row per member and
 * distinct prefix (1 to SEARCH_PREFIX_CHARS characters) of the member's name keys, and one per
 * email prefix that is not also a name prefix (`emailOnly`, searched by admins only). The primary
 * key is the search order: a prefix's members in (nameKey, userId) order are one range of it, so
 * a page of a search reads the page's rows and stops. Written only by members/member-keys.ts, in
 * the transaction of the change that moves the keys; no foreign keys (like the other org rows).
 */
@Entity({ name: 'member_search_prefixes', withoutRowid: true })
export class MemberSearchPrefix {
  @PrimaryColumn({ type: 'int' })
  orgId: number;

  /** false: a prefix of nameKey or fullNameKey; true: of emailKey only (never matched for non-admins). */
  @PrimaryColumn({ type: 'boolean' })
  emailOnly: boolean;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  prefix: string;

  /** The member's nameKey (the order of a search by name). */
  @PrimaryColumn({ type: 'varchar', length: 201 })
  nameKey: string;

  @PrimaryColumn({ type: 'int' })
  userId: number;
}
