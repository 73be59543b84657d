import type { ReactNode } from 'react';
import { apiUrl } from '../../api/client';
import { RevealButton, useReveal } from '../../wellbeing/RevealButton';

/**
 * One face cut out of its image. The server sends it blurred and greyscale unless this one crop
 * is revealed (asking for the clear crop is audited there); revealed, it stays greyscale when the
 * user wants previews in greyscale.
 */
export function FaceCrop({
  faceId,
  label,
  canReveal,
  large = false,
}: {
  faceId: number;
  /** Says which face this is (series, image), never what it shows. */
  label: string;
  canReveal: boolean;
  large?: boolean;
}): ReactNode {
  const key = `face:${faceId}`;
  const { open, variant, imageClass } = useReveal(key);
  return (
    <figure
      className={`face-crop ${large ? 'face-crop-large' : ''}`}
      data-revealed={open ? 'true' : 'false'}
      data-testid="face-crop"
    >
      <div className="face-crop-frame">
        <img
          key={variant}
          className={`face-crop-image ${imageClass}`}
          src={apiUrl('/api/v1/faces/{id}/crop', { id: faceId }, { variant })}
          alt={open ? `Revealed face ${label}` : `Blurred face ${label}`}
          draggable={false}
        />
      </div>
      <figcaption className="small muted">{label}</figcaption>
      {canReveal ? <RevealButton revealKey={key} label={`face ${label}`} /> : null}
    </figure>
  );
}
