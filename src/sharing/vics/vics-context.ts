/** The VICS data-model variants a 2.0 context names; 1.x files have none. */
export const VICS_VARIANTS = ['US', 'UK', 'CUSTOM', 'Default'] as const;
export type VicsVariant = (typeof VICS_VARIANTS)[number];

/** What a VICS file's OData context says: model version, variant and whether it holds cases or media. */
export interface VicsContext {
  readonly version: string;
  readonly variant: VicsVariant | null;
  readonly form: 'Cases' | 'Media';
}

export const CONTEXT_KEYS = { v1: 'odata.metadata', v2: '@odata.context' } as const;

const V1 = /^https?:\/\/github\.com\/ICMEC\/ProjectVic\/DataModels\/(1\.\d)\.xml#(Cases|Media)$/i;
const V2 =
  /^https?:\/\/github\.com\/VICSDATAMODEL\/ProjectVic\/DataModels\/(2\.0)\.xml\/([A-Za-z]+)\/\$metadata#(Cases|Media)$/i;

/** Parses the context annotation; returns a reason when it is not a VICS context this reader knows. */
export function parseVicsContext(key: string, url: string): VicsContext | { readonly problem: string } {
  const trimmed = url.trim();
  if (key === CONTEXT_KEYS.v1) {
    const match = V1.exec(trimmed);
    if (!match) {
      return {
        problem: V2.test(trimmed)
          ? `"${key}" holds a VICS 2.0 context; 2.0 files use "${CONTEXT_KEYS.v2}"`
          : `"${key}" is not a VICS 1.x context: ${JSON.stringify(trimmed.slice(0, 200))}`,
      };
    }
    return { version: match[1]!, variant: null, form: formOf(match[2]!) };
  }
  const match = V2.exec(trimmed);
  if (!match) {
    return {
      problem: V1.test(trimmed)
        ? `"${key}" holds a VICS 1.x context; 1.x files use "${CONTEXT_KEYS.v1}"`
        : `"${key}" is not a VICS 2.0 context: ${JSON.stringify(trimmed.slice(0, 200))}`,
    };
  }
  const variant = VICS_VARIANTS.find((name) => name.toLowerCase() === match[2]!.toLowerCase());
  if (!variant) {
    return { problem: `unknown VICS 2.0 variant "${match[2]}" (known: ${VICS_VARIANTS.join(', ')})` };
  }
  return { version: match[1]!, variant, form: formOf(match[3]!) };
}

export function vicsContextUrl(variant: VicsVariant, form: 'Cases' | 'Media'): string {
  return `http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/${variant}/$metadata#${form}`;
}

function formOf(text: string): 'Cases' | 'Media' {
  return text.toLowerCase() === 'cases' ? 'Cases' : 'Media';
}
