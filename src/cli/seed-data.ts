/**
 * The bulk seed's data set (seed.ts): names skewed from common to rare, deterministic random
 * numbers (two seeds of one size are the same data), and SQL literals for both engines.
 */

// Ordered from common to rare: picks are skewed towards the front (see skewed()), so a prefix such
// as "smi" matches many members and "kow" few — the search benchmark needs both.
export const FIRST = `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica
  Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly
  Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca
  Jason Laura Edward Helen Jeffrey Sharon Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Shirley Eric Angela Jonathan Anna Stephen
  Ruth Larry Brenda Justin Pamela Scott Nicole Brandon Katherine Benjamin Samantha Samuel Christine Valentina Mateo Sofia Lucas
  Chloe Noah Zoe Liam Aiko Ravi Priya Wei Olga Ingrid Kwame Amara Yusuf Leila Hiro Mei Fatima Omar Ines Joao Bjorn Astrid Dmitri
  Svetlana Chidi Ngozi Tariq Anjali Kenji Yuki Mateus Camila Diego Lucia Thiago Isabela Pieter Saskia Niamh Siobhan Eamon Zeynep`.split(
  /\s+/,
);
export const LAST =
  `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas
  Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright
  Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner
  Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey
  Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
  Castillo Sanders Patel Myers Long Ross Foster Jimenez Okafor Kowalski Novak Yamamoto Tanaka Singh Khan Muller Schmidt Rossi
  Dubois Silva Santos Ivanov Larsen Jensen O'Brien Nakamura Haddad Mensah Okonkwo Lindqvist Virtanen Horvath Papadopoulos Kaya
  Dlamini Abubakar Fitzgerald Vasquez Zhang Wang Chen Liu Huang Zhao Sato Suzuki Takahashi Watanabe Ito Kobayashi Andersson
  Johansson Nielsen Hansen Kovacs Novotny Petrov Sokolov Moreau Laurent Lefebvre Fontaine Esposito Romano Bianchi Ferrari`.split(/\s+/);
export const ROLES = ['Auditor', 'Risk Owner', 'Control Owner'];
export const GROUPS = ['Engineering', 'Finance', 'Sales', 'Operations'];
export const BIG_ORG_DOMAIN = 'bigcorp.example';

/** Deterministic pseudo-random numbers so that two seeds of the same size are the same data set. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** SQL literal writers for both engines (values are generated here, never user input). */
export interface Literals {
  str(s: string): string;
  date(ms: number): string;
  /** An exact-time column (ExactTimeColumn): six fraction digits on both engines. */
  exact(ms: number): string;
}

export function literals(sqlite: boolean): Literals {
  // Formatting millions of dates with toISOString was a tenth of the load's CPU: cache the day part.
  const pad2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
  const days = new Map<number, string>();
  return {
    // Both engines accept '' for a quote; MySQL also treats backslash as an escape.
    str: (s) => `'${s.replace(/\\/g, sqlite ? '\\' : '\\\\').replace(/'/g, "''")}'`,
    // TypeORM writes 'YYYY-MM-DD HH:MM:SS.SSS' on SQLite (text comparison must agree), whole seconds on MySQL DATETIME.
    date: (ms) => {
      const day = Math.floor(ms / 86400_000);
      let prefix = days.get(day);
      if (prefix === undefined) {
        prefix = new Date(day * 86400_000).toISOString().slice(0, 10);
        days.set(day, prefix);
      }
      const t = ms - day * 86400_000;
      const sec = Math.floor(t / 1000);
      const time = `${pad2[Math.floor(sec / 3600)]}:${pad2[Math.floor(sec / 60) % 60]}:${pad2[sec % 60]}`;
      return sqlite ? `'${prefix} ${time}.${String(t % 1000).padStart(3, '0')}'` : `'${prefix} ${time}'`;
    },
    exact(ms) {
      return `${this.date(ms).slice(0, 20)}.${String(ms % 1000).padStart(3, '0')}000'`;
    },
  };
}
