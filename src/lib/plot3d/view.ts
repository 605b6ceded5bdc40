// gnuplot's `set view rot_x, rot_z, scale, scale_z`: an orthographic view of the unit
// cube [-1, 1]³ that the axis ranges are normalized to. Starting with screen x to the
// right, y up and z toward the viewer, the view is rotated rot_x degrees about the x
// axis, then rot_z degrees about the new z axis. Acting on the points, that is the
// inverse: turn them by -rot_z about the data z axis, then by rot_x about screen x.

export interface View {
  /** Degrees, 0..180: 0 looks straight down the z axis, 90 looks at it side-on. */
  readonly rotX: number;
  /** Degrees, 0..360: turns the base plane. */
  readonly rotZ: number;
  /** Scales the whole plot. */
  readonly scale: number;
  /** Scales the z axis only. */
  readonly scaleZ: number;
}

/** `[rot_x, rot_z, scale?, scale_z?]`, as in `set view 71,63`. */
export type ViewSpec = readonly [number, number, number?, number?];

export const DEFAULT_VIEW: View = { rotX: 60, rotZ: 30, scale: 1, scaleZ: 1 };

/** A View from gnuplot's arguments, clamped and wrapped the way gnuplot does. */
export function toView(spec: ViewSpec | undefined): View {
  const [rotX, rotZ, scale, scaleZ] = spec ?? [];
  return {
    rotX: clampRotX(rotX ?? DEFAULT_VIEW.rotX),
    rotZ: wrapRotZ(rotZ ?? DEFAULT_VIEW.rotZ),
    scale: scale ?? 1,
    scaleZ: scaleZ ?? 1,
  };
}

const clampRotX = (degrees: number) => Math.min(180, Math.max(0, degrees));
const wrapRotZ = (degrees: number) => ((degrees % 360) + 360) % 360;

/**
 * Rows of the linear map from normalized data coordinates to the view: screen x (right),
 * screen y (up), both in units of half the unscaled cube, and depth (toward the viewer).
 */
export interface Projection {
  readonly x: readonly [number, number, number];
  readonly y: readonly [number, number, number];
  readonly depth: readonly [number, number, number];
}

export function projection(view: View): Projection {
  const rx = (view.rotX * Math.PI) / 180;
  const rz = (view.rotZ * Math.PI) / 180;
  const [cx, sx, cz, sz] = [Math.cos(rx), Math.sin(rx), Math.cos(rz), Math.sin(rz)];
  // gnuplot halves the cube (mat_scale(scale / 2)) before fitting it to the plot area.
  const s = view.scale / 2;
  const zs = view.scaleZ;
  return {
    x: [cz * s, sz * s, 0],
    y: [-sz * cx * s, cz * cx * s, sx * zs * s],
    depth: [sz * sx, -cz * sx, cx * zs],
  };
}

export function apply(
  row: readonly [number, number, number],
  x: number,
  y: number,
  z: number,
): number {
  return row[0] * x + row[1] * y + row[2] * z;
}

/**
 * The view after dragging by (dx, dy) pixels over a plot of the given size: the point
 * nearest the viewer follows the pointer. Half a turn of rot_z per plot width, a quarter
 * turn of rot_x per plot height, as gnuplot's mouse rotation roughly does.
 */
export function dragView(
  start: View,
  dx: number,
  dy: number,
  plotWidth: number,
  plotHeight: number,
): View {
  return {
    ...start,
    rotX: clampRotX(start.rotX - (dy * 90) / plotHeight),
    rotZ: wrapRotZ(start.rotZ - (dx * 180) / plotWidth),
  };
}

/** `view: 71, 63`, gnuplot's readout, with angles rounded to the degree. */
export function formatView(view: View): string {
  return `view: ${Math.round(view.rotX)}, ${Math.round(view.rotZ) % 360}`;
}
