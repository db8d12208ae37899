// Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal Design") and the status
// encoding shared by every chart. Colour is never the only cue: each status also has a glyph and a
// word, so the charts read the same in greyscale and to a screen reader.

import type { IdentityStatus } from '../core/types';

export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  grey: '#999999'
} as const;

export interface StatusStyle {
  status: IdentityStatus;
  label: string;
  colour: string;
  glyph: string;
  /** Plain words for the legend and the table alternative. */
  meaning: string;
}

export const STATUS_STYLES: Record<IdentityStatus, StatusStyle> = {
  verified: { status: 'verified', label: 'Verified', colour: OKABE_ITO.bluishGreen, glyph: '✓', meaning: 'AEGIS attestation valid at this epoch' },
  pending: { status: 'pending', label: 'Pending', colour: OKABE_ITO.skyBlue, glyph: '…', meaning: 'attested, not yet valid at this epoch' },
  expired: { status: 'expired', label: 'Expired', colour: OKABE_ITO.orange, glyph: '!', meaning: 'attestation validity ended before this epoch' },
  revoked: { status: 'revoked', label: 'Revoked', colour: OKABE_ITO.vermillion, glyph: '✕', meaning: 'attestation revoked by the AEGIS authority' },
  unknown: { status: 'unknown', label: 'Unknown', colour: OKABE_ITO.grey, glyph: '?', meaning: 'no AEGIS attestation for this node' }
};

export const STATUS_ORDER: readonly IdentityStatus[] = ['verified', 'pending', 'expired', 'revoked', 'unknown'];

/** Waterfall bar colours: totals neutral, increases blue, decreases vermillion. */
export const WATERFALL_COLOURS = {
  total: OKABE_ITO.blue,
  increase: OKABE_ITO.bluishGreen,
  decrease: OKABE_ITO.vermillion,
  unchanged: OKABE_ITO.grey
} as const;
