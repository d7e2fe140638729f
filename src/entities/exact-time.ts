import { Column } from 'typeorm';

/**
 * A column holding an exact time (to the microsecond): DATETIME(6) on MySQL/MariaDB, text with six
 * fraction digits on SQLite, read as an Instant (src/db/instant.ts) by both drivers (ormconfig.ts).
 * Write it with an Instant parameter in raw SQL (TypeORM's automatic date columns would stamp whole
 * seconds).
 */
export function ExactTimeColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return Column({ type: 'datetime', precision: 6, nullable: options.nullable ?? false });
}

/** True for the columns ExactTimeColumn declares. */
export function isExactTimeColumn(column: { type: unknown; precision?: number | null }): boolean {
  return column.type === 'datetime' && column.precision === 6;
}
