import type { PageDefinition } from '../../app/page-registry';
import { CompareFacePage } from './CompareFacePage';
import { FaceSettingsPage } from './FaceSettingsPage';
import { FaceSuggestionsPage } from './FaceSuggestionsPage';

/** Faces: suggestions "same person as in series X" and comparing a photo with held faces. */
export const facePages: readonly PageDefinition[] = [
  {
    pattern: '/faces/suggestions',
    title: 'Face suggestions',
    permission: 'face.review',
    menu: { section: 'Work', label: 'Face suggestions' },
    render: () => <FaceSuggestionsPage />,
  },
  {
    pattern: '/faces/compare',
    title: 'Compare a photo',
    permission: 'face.search',
    menu: { section: 'Work', label: 'Compare a photo' },
    render: () => <CompareFacePage />,
  },
  {
    pattern: '/faces/settings',
    title: 'Face processing',
    permission: 'face.settings',
    menu: { section: 'Administration', label: 'Face processing' },
    render: () => <FaceSettingsPage />,
  },
];
