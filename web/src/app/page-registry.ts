import type { ReactNode } from 'react';
import type { Schemas } from '../api/client';

export type Permission = Schemas['SessionUser']['permissions'][number];

/** One page of the app: its address pattern, who may open it, and where it sits in the menu. */
export interface PageDefinition {
  /** e.g. `/cases/:id`; parameters arrive in `render`. */
  readonly pattern: string;
  readonly title: string;
  /** The page is listed and opened only with this permission (absent: every signed-in user). */
  readonly permission?: Permission;
  /** Shown in the side menu under this section, in registry order. */
  readonly menu?: { readonly section: MenuSection; readonly label: string };
  render(params: Readonly<Record<string, string>>): ReactNode;
}

export type MenuSection = 'Work' | 'Administration' | 'You';
export const MENU_SECTIONS: readonly MenuSection[] = ['Work', 'Administration', 'You'];
