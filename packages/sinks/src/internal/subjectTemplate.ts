const TOKEN = /\{([A-Za-z_$][\w$]*)\}/g;
const UNSAFE = /[.*>\s]/g;

/**
 * Compiles a subject/key template once: `'data.market.{symbol}'` → a function filling
 * `{field}` from the record. A template without placeholders returns the constant. A missing
 * field throws (the caller dead-letters the record).
 *
 * @param template - the template
 * @param sanitize - replace characters that would change the subject's structure (`.`, `*`, `>`, whitespace)
 * @returns record → string
 */
export function subjectTemplate<T>(template: string, sanitize: boolean): (record: T) => string {
  const parts = template.split(TOKEN);
  if (parts.length === 1) return () => template;
  return (record: T) => {
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i % 2 === 0) {
        out += part;
        continue;
      }
      const value = (record as Record<string, unknown>)[part];
      if (value === undefined || value === null || value === '') {
        throw new Error(`field "${part}" of template "${template}" is missing in the record`);
      }
      out += sanitize ? String(value).replace(UNSAFE, '_') : String(value);
    }
    return out;
  };
}
