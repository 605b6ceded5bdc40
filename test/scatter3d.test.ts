import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scatter3dToSvg } from "../src/components/scatter3d.js";
import {
  addressFamily,
  addressKey,
  denseRanks,
  formatAddressKey,
  formatIpv4,
} from "../src/lib/plot3d/address.js";
import { addressTicks, axisKind, buildAxes } from "../src/lib/plot3d/axes.js";
import { pointIndex } from "../src/lib/plot3d/pick.js";
import { packRgba, rasterPlus } from "../src/lib/plot3d/raster.js";
import {
  axesScene,
  frame,
  normalizePoints,
  projectPoints,
  toScreen,
} from "../src/lib/plot3d/scene.js";
import { apply, dragView, formatView, projection, toView } from "../src/lib/plot3d/view.js";

// psad 2.4.6's fig14-13.dat (honeynet-golden), distinct rows: src dst dp, and psad's
// numbers for src and dst from the `### 1=11.11.79.67 6=81.196.20.134` comments.
const FIG14_13 =
  `11.11.79.67 62.250.14.6 6667 1 2|11.11.79.67 64.21.117.248 6667 1 3|11.11.79.67 66.198.160.2 8888 1 4|11.11.79.67 81.196.20.130 80 1 5|11.11.79.67 81.196.20.134 80 1 6|11.11.79.67 129.27.3.14 6667 1 7|11.11.79.67 129.27.9.248 6667 1 8|11.11.79.67 132.207.4.32 6667 1 9|11.11.79.67 140.99.102.4 6667 1 10|11.11.79.67 151.25.187.213 21 1 11|11.11.79.67 154.11.89.164 6667 1 12|11.11.79.67 193.110.95.1 6667 1 13|11.11.79.67 193.230.153.133 80 1 14|11.11.79.67 195.47.220.2 6667 1 15|11.11.79.67 195.54.102.4 6667 1 16|11.11.79.67 195.115.0.1 22 1 17|11.11.79.67 195.115.0.2 22 1 18|11.11.79.67 195.115.0.3 22 1 19|11.11.79.67 195.115.0.4 22 1 20|11.11.79.67 195.115.0.5 22 1 21|11.11.79.67 195.115.0.6 22 1 22|11.11.79.67 195.115.0.7 22 1 23|11.11.79.67 195.115.0.8 22 1 24|11.11.79.67 195.115.0.9 22 1 25|11.11.79.67 195.115.0.10 22 1 26|11.11.79.67 195.115.0.11 22 1 27|11.11.79.67 195.115.0.12 22 1 28|11.11.79.67 195.115.0.13 22 1 29|11.11.79.67 195.115.0.14 22 1 30|11.11.79.67 199.170.91.114 6667 1 31|11.11.79.67 205.188.149.20 6667 1 32|11.11.79.67 205.252.46.98 6667 1 33|11.11.79.67 207.96.122.250 6667 1 34|11.11.79.67 213.46.223.3 6667 1 35|11.11.79.67 213.48.150.1 6667 1 36|11.11.79.67 213.161.196.12 80 1 37|11.11.79.67 213.203.218.122 80 1 38|11.11.79.67 213.208.119.11 6667 1 39|11.11.79.67 217.16.26.163 80 1 40|11.11.79.67 217.106.2.92 6667 1 41`
    .split("|")
    .map((line) => {
      const [src, dst, dp, x, y] = line.split(" ");
      return { src, dst, dp: Number(dp), psadX: Number(x), psadY: Number(y) };
    });

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

describe("view", () => {
  it("at 0,0 projects onto the x/y plane, z toward the viewer", () => {
    const p = projection(toView([0, 0]));
    for (const [x, y, z] of [
      [1, 0, 0],
      [0, 1, 0],
      [0.3, -0.7, 0.9],
    ]) {
      close(apply(p.x, x, y, z), x / 2);
      close(apply(p.y, x, y, z), y / 2);
      close(apply(p.depth, x, y, z), z);
    }
  });

  it("at 90,0 looks at the x/z plane from the front (y points away)", () => {
    const p = projection(toView([90, 0]));
    close(apply(p.y, 0, 0, 1), 0.5);
    close(apply(p.y, 0, 1, 0), 0);
    assert.ok(apply(p.depth, 0, -1, 0) > 0);
  });

  it("at gnuplot's default 60,30: (xmin,ymin) leftmost, (xmax,ymin) the front corner", () => {
    const p = projection(toView(undefined));
    const corners = [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ];
    const leftmost = corners.reduce((a, b) =>
      apply(p.x, b[0], b[1], -1) < apply(p.x, a[0], a[1], -1) ? b : a,
    );
    const front = corners.reduce((a, b) =>
      apply(p.depth, b[0], b[1], -1) > apply(p.depth, a[0], a[1], -1) ? b : a,
    );
    assert.deepEqual(leftmost, [-1, -1]);
    assert.deepEqual(front, [1, -1]);
    // The x axis runs right and down, the y axis right and up (as gnuplot draws them).
    assert.ok(apply(p.x, 1, 0, 0) > 0 && apply(p.y, 1, 0, 0) < 0);
    assert.ok(apply(p.x, 0, 1, 0) > 0 && apply(p.y, 0, 1, 0) > 0);
  });

  it("is a rotation: lengths are kept", () => {
    const p = projection(toView([71, 63]));
    const v = [0.2, -0.5, 0.8];
    const [x, y, d] = [p.x, p.y, p.depth].map((row) => apply(row, v[0], v[1], v[2]));
    close(Math.hypot(2 * x, 2 * y, d), Math.hypot(v[0], v[1], v[2]));
  });

  it("clamps rot_x, wraps rot_z, rotates by dragging and reads out like gnuplot", () => {
    assert.deepEqual(toView([200, -30]), { rotX: 180, rotZ: 330, scale: 1, scaleZ: 1 });
    const v = dragView(toView([71, 63]), 100, -50, 400, 300);
    assert.equal(formatView(v), "view: 86, 18");
    assert.equal(formatView(toView([71, 359.7])), "view: 71, 0");
  });
});

describe("addresses", () => {
  it("parses both families into one key space", () => {
    assert.equal(addressFamily("11.11.79.67"), 4);
    assert.equal(addressFamily("2001:db8::1"), 6);
    assert.equal(addressFamily("::ffff:1.2.3.4"), 6);
    for (const bad of ["256.1.1.1", "1.2.3", "01.2.3.4", "1::2::3", "tcp", "", "12345::"]) {
      assert.equal(addressFamily(bad), undefined, bad);
    }
    assert.equal(addressKey("1.2.3.4"), addressKey("::ffff:1.2.3.4"));
    assert.ok((addressKey("::1") as bigint) < (addressKey("0.0.0.0") as bigint));
    assert.ok((addressKey("255.255.255.255") as bigint) < (addressKey("2001:db8::") as bigint));
  });

  it("formats keys back (RFC 5952 compression, IPv4-mapped as dotted quads)", () => {
    for (const text of ["2001:db8::1", "::1", "::", "fe80::1:0:0:5", "1:0:0:2::3", "1.2.3.4"]) {
      assert.equal(formatAddressKey(addressKey(text) as bigint), text);
    }
    assert.equal(formatAddressKey(addressKey("2001:0db8:0:0:0:0:0:0001") as bigint), "2001:db8::1");
    assert.equal(formatIpv4(0x0b0b4f43), "11.11.79.67");
  });

  it("ranks both families in one order, an IPv4-mapped address as its IPv4 one", () => {
    const ranks = denseRanks([
      "2001:db8::",
      "10.0.0.2",
      "::1",
      "::ffff:10.0.0.2",
      "10.0.0.1",
      "tcp",
      "::",
    ]);
    assert.deepEqual(Object.fromEntries(ranks), {
      "::": 1,
      "::1": 2,
      "10.0.0.1": 3,
      "10.0.0.2": 4,
      "::ffff:10.0.0.2": 4,
      "2001:db8::": 5,
    });
  });

  it("ranks fig14-13's addresses exactly as psad numbered them", () => {
    const ranks = denseRanks(FIG14_13.flatMap((r) => [r.src, r.dst]));
    for (const row of FIG14_13) {
      assert.equal(ranks.get(row.src), row.psadX, row.src);
      assert.equal(ranks.get(row.dst), row.psadY, row.dst);
    }
  });
});

describe("axes", () => {
  const columns = {
    x: FIG14_13.map((r) => r.src),
    y: FIG14_13.map((r) => r.dst),
    z: FIG14_13.map((r) => r.dp),
  };

  it("rank mapping: x and y ranked together, ranges extended to ticks like gnuplot", () => {
    const axes = buildAxes(columns, "rank");
    assert.deepEqual(
      [...axes.x.values],
      FIG14_13.map((r) => r.psadX),
    );
    assert.deepEqual(
      [...axes.y.values],
      FIG14_13.map((r) => r.psadY),
    );
    assert.deepEqual(axes.y.domain, [0, 45]); // the book's "0 to 45"
    assert.deepEqual(axes.z?.domain, [0, 9000]); // gnuplot's 0..9000 for ports 21..8888
    assert.deepEqual(axes.x.domain, [0, 2]); // a single source: integer room, not 0.99..1.01
    assert.deepEqual(
      axes.x.ticks.map((t) => t.label),
      ["0", "1", "2"],
    );
  });

  it("address mapping: IPv4 integers, ticks on CIDR boundaries", () => {
    const axes = buildAxes(columns, "address");
    assert.equal(axes.y.values[0], 62 * 2 ** 24 + 250 * 2 ** 16 + 14 * 256 + 6);
    const [lo, hi] = axes.y.domain;
    assert.ok(lo <= 62 * 2 ** 24 && hi >= 217 * 2 ** 24);
    assert.deepEqual(
      axes.y.ticks.map((t) => t.label),
      ["0.0.0.0", "64.0.0.0", "128.0.0.0", "192.0.0.0", "255.255.255.255"],
    );
    const single = addressTicks([0x0b0b4f43, 0x0b0b4f43], formatIpv4, 2 ** 32 - 1);
    assert.deepEqual(
      single.ticks.map((t) => t.label),
      ["11.11.79.66", "11.11.79.67", "11.11.79.68"],
    );
  });

  it("mixed IPv4/IPv6: IPv4 below global IPv6 in both mappings", () => {
    const mixed = { x: ["2001:db8::1", "10.0.0.1", "::1"], y: [1, 2, 3] };
    assert.deepEqual([...buildAxes(mixed, "rank").x.values], [3, 2, 1]);
    const byAddress = buildAxes(mixed, "address").x.values;
    assert.ok(byAddress[2] < byAddress[1] && byAddress[1] < byAddress[0]);
  });

  it("kinds: numbers, numeric strings, dates; addresses; other text in order of appearance", () => {
    assert.equal(axisKind([1, "22", null, new Date(0)]), "number");
    assert.equal(axisKind(["1.2.3.4", "", "::1"]), "address");
    assert.equal(axisKind(["1.2.3.4", "tcp"]), "ordinal");
    const axes = buildAxes({ x: ["udp", "tcp", "udp"], y: [1, 2, 3] }, "rank");
    assert.deepEqual([...axes.x.values], [1, 2, 1]);
    assert.deepEqual(
      axes.x.ticks.map((t) => t.label),
      ["udp", "tcp"],
    );
  });
});

describe("scene", () => {
  const axes = buildAxes(
    { x: FIG14_13.map((r) => r.src), y: FIG14_13.map((r) => r.dst), z: FIG14_13.map((r) => r.dp) },
    "rank",
  );

  it("puts the z axis at the base's leftmost corner and x ticks on its front edge", () => {
    const f = frame(640, 480, toView([71, 63]), { is3d: true });
    const scene = axesScene(f, axes, { x: "src", y: "dst", z: "dp" });
    const [zx, floorY] = toScreen(f, -1, -1, -1);
    const zTicks = scene.texts.filter(
      (t) => t.role === "tick" && Math.abs(t.x - (zx - 8)) < 0.5 && t.y < floorY,
    );
    assert.deepEqual(
      zTicks.map((t) => t.text),
      ["0", "1000", "2000", "3000", "4000", "5000", "6000", "7000", "8000", "9000"],
    );
    // x tick "1" (the source) sits outside the y = -1 edge, i.e. left of it on screen.
    const [edgeX] = toScreen(f, 0, -1, -1);
    const one = scene.texts.find((t) => t.text === "1" && t.role === "tick");
    assert.ok(one && one.x < edgeX);
  });

  it("without z: a 2D box with ticks on the bottom and left", () => {
    const flat = buildAxes({ x: [1, 5, 10], y: [0, 50, 100] }, "rank");
    const f = frame(400, 300, toView([71, 63]), { is3d: false });
    const points = normalizePoints(flat);
    const out = { sx: new Float32Array(3), sy: new Float32Array(3), depth: new Float32Array(3) };
    projectPoints(f, points, out);
    assert.ok(out.sx[0] < out.sx[1] && out.sx[1] < out.sx[2]);
    assert.ok(out.sy[0] > out.sy[1] && out.sy[1] > out.sy[2]); // y up
    const scene = axesScene(f, flat, { x: "a", y: "b" });
    assert.equal(scene.texts.find((t) => t.text === "b")?.rotate, -90);
  });
});

describe("pointIndex", () => {
  it("finds the same point as a linear scan", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return (seed / 2147483647) * 500;
    };
    const n = 10_000;
    const sx = Float32Array.from({ length: n }, random);
    const sy = Float32Array.from({ length: n }, random);
    const depth = new Float32Array(n);
    const index = pointIndex(sx, sy, depth, n, 8);
    for (let q = 0; q < 500; q++) {
      const [x, y] = [random(), random()];
      let best = -1;
      let bestDistance = 64;
      for (let i = 0; i < n; i++) {
        const d = (sx[i] - x) ** 2 + (sy[i] - y) ** 2;
        if (d < bestDistance) [best, bestDistance] = [i, d];
      }
      assert.equal(index.nearest(x, y), best);
    }
  });

  it("prefers the front-most of coincident points and skips missing ones", () => {
    const index = pointIndex(
      Float32Array.of(10, 10, Number.NaN),
      Float32Array.of(10, 10, 10),
      Float32Array.of(0, 1, 2),
      3,
      8,
    );
    assert.equal(index.nearest(11, 11), 1);
    assert.equal(index.nearest(100, 100), -1);
  });
});

describe("scatter3dToSvg", () => {
  it("writes every point as a circle and escapes text", () => {
    const svg = scatter3dToSvg(FIG14_13, {
      x: "src",
      y: "dst",
      z: "dp",
      view: [71, 63],
      title: "<fig 14-13> & co",
    });
    assert.equal(svg.match(/<circle /g)?.length, FIG14_13.length);
    assert.ok(svg.includes("&#60;fig 14-13&#62; &#38; co"));
    assert.ok(!svg.includes("<fig"));
  });
});

describe("rasterPlus", () => {
  const image = (width: number, height: number) => ({
    data: new Uint8ClampedArray(width * height * 4),
    width,
    height,
  });
  /** The buffer as rows of "+" (mark) and "." (clear). */
  const picture = (img: ReturnType<typeof image>) =>
    Array.from({ length: img.height }, (_, y) =>
      Array.from({ length: img.width }, (_, x) =>
        img.data[(y * img.width + x) * 4 + 3] ? "+" : ".",
      ).join(""),
    );
  const purple = packRgba(0x94, 0x00, 0xd3);

  it("draws each point as a + of its size, in the colour's RGBA bytes", () => {
    const img = image(7, 5);
    img.data.fill(9); // the previous frame: cleared
    rasterPlus(img, { sx: [3], sy: [2], sizes: [2], length: 1 }, purple, 1);
    assert.deepEqual(picture(img), ["...+...", "...+...", ".+++++.", "...+...", "...+..."]);
    assert.deepEqual(
      [...img.data.subarray((2 * 7 + 3) * 4, (2 * 7 + 3) * 4 + 4)],
      [0x94, 0, 0xd3, 255],
    );
  });

  it("skips missing points, clips at the edges without wrapping, scales to device pixels", () => {
    const img = image(6, 4);
    const marks = { sx: [0, Number.NaN, 5], sy: [0, 1, 3], sizes: [1, 1, 1], length: 3 };
    rasterPlus(img, marks, purple, 1);
    assert.deepEqual(picture(img), ["++....", "+.....", ".....+", "....++"]);
    const big = image(8, 8);
    rasterPlus(big, { sx: [2], sy: [2], sizes: [1], length: 1 }, purple, 2);
    assert.deepEqual(picture(big), [
      "........",
      "........",
      "...++...",
      "..+++++.",
      "..+++++.",
      "...++...",
      "...++...",
      "........",
    ]);
  });
});
