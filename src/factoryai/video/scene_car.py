"""Vehicles for the gate scene, drawn as small 3-D models: a body profile extruded across the car's width with a
glass cabin on top, wheels with rims, lamps, a bumper and the number plate warped onto the front, flat-filled in
depth order and then shaded per pixel from smoothed normals (diffuse light, a sky reflection, a highlight), so the
bodywork reads as rounded, glossy metal. Flat, cartoon-like cars are not detected by YOLOX-nano; these are (as car
or truck, the scores are in tests/video/test_scenes.py). Rendered once per vehicle as a sprite and scaled as it moves.

Coordinates in metres: x forward (the nose at +length/2), y to the vehicle's left, z up, the ground at z = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from factoryai.video.scene_common import Camera

PLATE_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf")
PLATE_WHITE, PLATE_YELLOW = (255, 255, 255), (0, 204, 255)  # BGR: private and commercial vehicles
_LIGHT = np.array([0.35, -0.45, 0.82]) / np.linalg.norm([0.35, -0.45, 0.82])
_SUPERSAMPLE = 2
# material: (id, albedo as BGR 0..1 or None for the paint colour, gloss)
_MATERIALS = {
    "paint": (1, None, True), "glass": (2, (0.10, 0.08, 0.07), True), "tyre": (3, (0.06, 0.06, 0.065), False),
    "rim": (4, (0.62, 0.62, 0.64), True), "dark": (5, (0.08, 0.08, 0.09), False), "lamp": (6, (0.85, 0.88, 0.9), False),
    "grille": (7, (0.07, 0.07, 0.08), False), "seam": (8, None, False), "plate": (9, (1.0, 1.0, 1.0), False),
}  # fmt: skip


@dataclass(frozen=True)
class Body:
    """The shape of one kind of vehicle (metres)."""

    length: float = 4.3
    width: float = 1.78
    wheel_radius: float = 0.31
    half_wheelbase: float = 1.33
    belt: float = 0.99  # top of the doors, where the glass starts
    nose: float = 0.86  # top of the nose, under the bonnet's front edge
    roof: float = 1.44
    cabin: tuple[float, float, float, float] = (-1.5, 0.8, -1.0, -0.05)  # x of glass base rear/front, roof rear/front


SEDAN = Body()
HATCHBACK = Body(length=3.9, half_wheelbase=1.22, cabin=(-1.78, 0.62, -1.62, -0.2), roof=1.48)
SUV = Body(length=4.5, width=1.86, wheel_radius=0.36, half_wheelbase=1.38, belt=1.12, nose=1.0, roof=1.74,
           cabin=(-2.0, 0.7, -1.95, -0.15))  # fmt: skip


def plate_format(plate: str) -> str:
    """How a plate is printed: KA01AB1234 → "KA 01 AB 1234", DL3CAB1234 → "DL 3C AB 1234"."""
    state, rest = plate[:2], plate[2:]
    digits = len(rest) - len(rest.lstrip("0123456789"))
    rto, rest = rest[:digits], rest[digits:]
    number = rest[len(rest.rstrip("0123456789")) :]
    series = rest[: len(rest) - len(number)]
    if state == "DL" and len(series) == 3:  # Delhi's category letter belongs with the district: DL 3C AB 1234
        rto, series = rto + series[0], series[1:]
    return " ".join(part for part in (state, rto, series, number) if part)


def render_plate(plate: str, background: tuple[int, int, int] = PLATE_WHITE, size: int = 60) -> np.ndarray:
    """A one-row plate as printed (BGR): black bold letters on white or yellow, a black border."""
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    for path in PLATE_FONTS:
        try:
            font = ImageFont.truetype(path, size)
            break
        except OSError:
            continue
    else:  # no DejaVu on this machine: Pillow's own scalable font
        font = ImageFont.load_default(size)
    text = plate_format(plate)
    left, _, right, _ = font.getbbox(text)
    cap = font.getbbox("A")[3] - font.getbbox("A")[1]
    width, height = right - left + size, int(cap * 1.5) + size // 2
    image = Image.new("RGB", (width, height), background[::-1])
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([2, 2, width - 3, height - 3], radius=size // 8, outline=(0, 0, 0), width=4)
    draw.text(((width - (right - left)) // 2 - left, (height - cap) // 2 - font.getbbox("A")[1]), text, font=font,
              fill=(0, 0, 0))  # fmt: skip
    return cv2.cvtColor(np.array(image), cv2.COLOR_RGB2BGR)


def _arch(cx: float, radius: float, cz: float, steps: int = 10) -> list[tuple[float, float]]:
    return [(cx - radius * math.cos(math.pi * k / steps), cz + radius * math.sin(math.pi * k / steps))
            for k in range(steps + 1)]  # fmt: skip


def _patch(quad: list[np.ndarray], u0: float, u1: float, v0: float, v1: float) -> list[np.ndarray]:
    """A rectangle on a face: u across the car (left to right), v along the face's profile edge."""
    a, b, c, d = quad

    def at(u: float, v: float) -> np.ndarray:
        return (a * (1 - u) + d * u) * (1 - v) + (b * (1 - u) + c * u) * v

    return [at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1)]


def _nose_patches(k: int, quad: list[np.ndarray]) -> list[tuple[list[np.ndarray], str]]:
    """Bumper, plate, grille and headlamps on the k-th face of the nose, bottom to top."""
    both = ((0.02, 0.3), (0.7, 0.98))
    if k == 0:
        return [(_patch(quad, 0, 1, 0, 0.3), "dark"), (_patch(quad, 0.2, 0.8, 0, 0.22), "grille"),
                (_patch(quad, 0.07, 0.2, 0.45, 0.8), "grille"), (_patch(quad, 0.8, 0.93, 0.45, 0.8), "grille"),
                (_patch(quad, 0.31, 0.69, 0.26, 0.98), "plate")]  # fmt: skip
    if k == 1:
        return [(_patch(quad, 0.28, 0.72, 0.05, 1.0), "grille")]
    if k in (2, 3):
        top = 1.0 if k == 2 else 0.8
        out = [(_patch(quad, u0, u1, 0, top), "dark") for u0, u1 in both]
        out += [(_patch(quad, u0 + 0.02, u1 - 0.02, 0.15 if k == 2 else 0, 0.9 if k == 2 else 0.6), "lamp")
                for u0, u1 in both]  # fmt: skip
        return out + ([(_patch(quad, 0.28, 0.72, 0, 0.9), "grille")] if k == 2 else [])
    return []


def _faces(body: Body) -> list[tuple[np.ndarray, str, list, np.ndarray | None]]:
    """(polygon, material, patches drawn on it, outward normal or None to take it from the polygon)."""
    half, w, r, axle = body.length / 2, body.width / 2, body.wheel_radius, body.half_wheelbase
    low = r - 0.07
    bottom = [(-half + 0.12, low), *_arch(-axle, r + 0.045, r), *_arch(axle, r + 0.045, r), (half - 0.12, low)]
    n = body.nose
    nose = [(half - 0.03, low + 0.06), (half, 0.64 * n), (half - 0.02, 0.79 * n), (half - 0.08, 0.9 * n),
            (half - 0.22, 0.98 * n), (half - 0.5, 1.05 * n)]  # fmt: skip
    base_r, base_f, roof_r, roof_f = body.cabin
    hood = [((half - 0.5 + base_f) / 2, (1.05 * n + body.belt) / 2), (base_f, body.belt)]
    back = max(base_r - 0.35, -half + 0.2)
    tail = [(base_r, body.belt + 0.01), (back, body.belt), (-half + 0.12, body.belt - 0.03),
            (-half + 0.02, body.belt - 0.12), (-half - 0.02, 0.55 * body.belt), (-half + 0.02, low + 0.06)]  # fmt: skip
    profile = bottom + nose + hood + tail
    left = [np.array((x, w, z)) for x, z in profile]
    right = [np.array((x, -w, z)) for x, z in profile]
    side = [np.array(p) for p in ((-0.35, 0.4, -0.33, 0.4), (0.75, 0.4, 0.77, 0.4))]
    seams = [([(x0, -w, z0), (x0 + 0.012, -w, z0), (x1 + 0.012, -w, body.belt - 0.01), (x1, -w, body.belt - 0.01)],
              "seam") for x0, z0, x1, _ in side]  # fmt: skip
    seams.append(([(-half + 0.3, -w, 0.8 * body.belt), (half - 0.3, -w, 0.8 * body.belt),
                   (half - 0.3, -w, 0.78 * body.belt), (-half + 0.3, -w, 0.78 * body.belt)], "seam"))  # fmt: skip
    seams.append(([(0.45, -w, body.belt - 0.13), (0.6, -w, body.belt - 0.13), (0.6, -w, body.belt - 0.16),
                   (0.45, -w, body.belt - 0.16)], "dark"))  # door handle  # fmt: skip
    sill = axle - r - 0.06
    seams.append(([(-sill, -w, low + 0.1), (sill, -w, low + 0.1), (sill, -w, low), (-sill, -w, low)], "dark"))
    faces: list = [(left, "paint", [], np.array([0, 1.0, 0])), (right[::-1], "paint", seams, np.array([0, -1.0, 0]))]
    for i in range(len(profile)):
        j = (i + 1) % len(profile)
        quad = [left[i], left[j], right[j], right[i]]
        dx, dz = profile[j][0] - profile[i][0], profile[j][1] - profile[i][1]
        normal = np.array([dz, 0.0, -dx]) / max(math.hypot(dx, dz), 1e-9)
        material = "dark" if 1 <= i < len(bottom) - 1 else "paint"  # inside the wheel arches
        faces.append((quad, material, _nose_patches(i - len(bottom), quad), normal))
    gb, gr = w - 0.07, w - 0.2
    b = [np.array(p) for p in ((base_r, gb, body.belt), (base_f, gb, body.belt), (base_f, -gb, body.belt),
                               (base_r, -gb, body.belt))]  # fmt: skip
    t = [np.array(p) for p in ((roof_r, gr, body.roof), (roof_f, gr, body.roof), (roof_f, -gr, body.roof),
                               (roof_r, -gr, body.roof))]  # fmt: skip
    faces.append(([t[3], t[2], t[1], t[0]], "paint", [], None))  # roof
    faces.append(([b[1], t[1], t[2], b[2]], "glass", [], None))  # windscreen
    faces.append(([b[3], t[3], t[0], b[0]], "glass", [], None))  # rear window
    faces.append(([b[0], t[0], t[1], b[1]], "paint", [(_patch([b[0], t[0], t[1], b[1]], 0.06, 0.94, 0.08, 0.9),
                                                       "glass")], None))  # fmt: skip
    right_glass = [b[2], t[2], t[3], b[3]]
    windows = [(_patch(right_glass, 0.05, 0.45, 0.1, 0.88), "glass"), (_patch(right_glass, 0.52, 0.93, 0.1, 0.88),
                                                                        "glass")]  # fmt: skip
    faces.append((right_glass, "paint", windows, None))
    mx, my = base_f - 0.08, -gb - 0.17
    mirror = [np.array(p) for p in ((mx, my, body.belt), (mx + 0.12, my, body.belt), (mx + 0.12, my, body.belt + 0.12),
                                    (mx, my, body.belt + 0.12))]  # fmt: skip
    faces.append((mirror, "paint", [], np.array([0.3, -1.0, 0.0])))
    return faces


def _newell(poly: list[np.ndarray]) -> np.ndarray:
    p = np.asarray(poly, float)
    q = np.roll(p, -1, 0)
    normal = np.array([np.sum((p[:, 1] - q[:, 1]) * (p[:, 2] + q[:, 2])),
                       np.sum((p[:, 2] - q[:, 2]) * (p[:, 0] + q[:, 0])),
                       np.sum((p[:, 0] - q[:, 0]) * (p[:, 1] + q[:, 1]))])  # fmt: skip
    return normal / max(float(np.linalg.norm(normal)), 1e-9)


@dataclass(frozen=True)
class Sprite:
    """A rendered vehicle: colour, alpha and the ground shadow (uint8), and where its top-left corner goes."""

    image: np.ndarray
    alpha: np.ndarray
    shadow: np.ndarray
    origin: tuple[float, float]  # frame position of the sprite's (0, 0) at the pose it was rendered in
    box: tuple[int, int, int, int]  # the vehicle's extent in the sprite: x1, y1, x2, y2


def render_vehicle(body: Body, paint: tuple[int, int, int], plate: np.ndarray, camera: Camera) -> Sprite:
    """The vehicle standing at the origin, facing +x, as ``camera`` sees it."""
    ss = _SUPERSAMPLE
    faces = _faces(body)
    w, r, axle = body.width / 2, body.wheel_radius, body.half_wheelbase
    corners = np.array([(sx * body.length / 2, sy * (w + 0.2), z) for sx in (-1, 1) for sy in (-1, 1)
                        for z in (0, body.roof)])  # fmt: skip
    box = camera.project(corners)
    origin = np.floor(box.min(0)) - 24
    size = (np.ceil(box.max(0)) + 24 - origin).astype(int)
    albedo = np.zeros((size[1] * ss, size[0] * ss, 3), np.float32)
    normals = np.zeros_like(albedo)
    material = np.zeros(albedo.shape[:2], np.uint8)
    paint_c = np.array(paint, np.float32) / 255

    def fill(poly: list | np.ndarray, name: str, normal: np.ndarray) -> None:
        pts = np.round((camera.project(np.asarray(poly)) - origin) * ss * 16).astype(np.int32)
        mid, colour, _ = _MATERIALS[name]
        colour = paint_c * (0.35 if name == "seam" else 1) if colour is None else colour
        cv2.fillPoly(albedo, [pts], tuple(float(v) for v in colour), cv2.LINE_8, shift=4)
        cv2.fillPoly(normals, [pts], tuple(float(v) for v in normal), cv2.LINE_8, shift=4)
        cv2.fillPoly(material, [pts], mid, cv2.LINE_8, shift=4)

    angles = np.linspace(0, 2 * math.pi, 32, endpoint=False)
    for wx in (-axle, axle):  # wheels first: the body's arches cut around them
        for side in (1, -1):
            outer, inner, normal = side * (w - 0.02), side * (w - 0.24), np.array([0.0, side, 0.0])

            def disc(y: float, radius: float, wx: float = wx) -> np.ndarray:
                return np.stack([wx + radius * np.cos(angles), np.full_like(angles, y), r + radius * np.sin(angles)], 1)

            top = angles[:17]  # the wheel arch's dark inside, above the tyre
            fill(np.stack([wx + (r + 0.045) * np.cos(top), np.full(17, side * w), r + (r + 0.045) * np.sin(top)], 1),
                 "dark", normal)  # fmt: skip
            fill(disc(inner, r), "tyre", normal)
            tread = cv2.convexHull(
                np.concatenate([camera.project(disc(y, r)) for y in (inner, outer)]).astype(np.float32)
            )
            pts = np.round((tread.reshape(-1, 2) - origin) * ss * 16).astype(np.int32)
            cv2.fillPoly(albedo, [pts], _MATERIALS["tyre"][1], cv2.LINE_8, shift=4)
            cv2.fillPoly(normals, [pts], (0.0, side * 0.3, 0.95), cv2.LINE_8, shift=4)
            cv2.fillPoly(material, [pts], _MATERIALS["tyre"][0], cv2.LINE_8, shift=4)
            fill(disc(outer, r), "tyre", normal)
            fill(disc(outer + side * 0.005, r * 0.68), "rim", normal)
            for k in range(5):
                a = 2 * math.pi * k / 5
                hole = [(wx + r * f * math.cos(a + da), outer + side * 0.01, r + r * f * math.sin(a + da))
                        for f, da in ((0.22, -0.25), (0.6, -0.22), (0.6, 0.22), (0.22, 0.25))]  # fmt: skip
                fill(hole, "dark", normal)
            fill(disc(outer + side * 0.012, r * 0.15), "rim", normal)
    centre = corners.mean(0)
    visible = []
    for poly, name, patches, normal in faces:
        middle = np.mean(poly, 0)
        if normal is None:
            normal = _newell(poly)
            normal = normal if np.dot(normal, middle - centre) >= 0 else -normal
        if np.dot(normal, camera.eye - middle) > 0:  # facing the camera
            visible.append((float(np.linalg.norm(camera.eye - middle)), poly, name, patches, normal))
    plate_quad = None
    for _, poly, name, patches, normal in sorted(visible, key=lambda f: -f[0]):  # far to near
        fill(poly, name, normal)
        for patch, patch_name in patches:
            patch = [p + normal * 0.004 for p in patch]
            fill(patch, patch_name, normal)
            if patch_name == "plate":
                plate_quad = patch
    image = _shade(albedo, normals, material, camera, size[0] * ss)
    if plate_quad is not None:
        dst = ((camera.project(np.asarray(plate_quad)) - origin) * ss).astype(np.float32)
        across = float(np.linalg.norm(dst[0] - dst[1]))  # shrink first: warpPerspective alone would alias
        plate = cv2.resize(plate, None, fx=min(1.0, across / plate.shape[1]), fy=min(1.0, across / plate.shape[1]),
                           interpolation=cv2.INTER_AREA)  # fmt: skip
        ph, pw = plate.shape[:2]
        src = np.float32([[pw, ph], [0, ph], [0, 0], [pw, 0]])
        warp = cv2.getPerspectiveTransform(src, dst)
        shape = (image.shape[1], image.shape[0])
        warped = cv2.warpPerspective(plate, warp, shape, flags=cv2.INTER_LINEAR)
        cover = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), warp, shape, flags=cv2.INTER_LINEAR)[..., None]
        image = ((image.astype(np.uint16) * (255 - cover) + warped.astype(np.uint16) * cover) // 255).astype(np.uint8)
    image = cv2.resize(image, tuple(size), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize((material > 0).astype(np.uint8) * 255, tuple(size), interpolation=cv2.INTER_AREA)
    footprint = np.array([(sx * (body.length / 2 + 0.1), sy * (w + 0.12), 0) for sx, sy in ((-1, -1), (1, -1), (1, 1),
                                                                                          (-1, 1))])  # fmt: skip
    shadow = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillPoly(shadow, [np.round(camera.project(footprint) - origin).astype(np.int32)], 255, cv2.LINE_AA)
    blur = max(3, int(0.04 * size[0]) | 1)
    shadow = cv2.GaussianBlur(shadow, (blur, blur), 0)
    ys, xs = np.nonzero(alpha > 127)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return Sprite(image, alpha, shadow, (float(origin[0]), float(origin[1])), box)


def _shade(albedo: np.ndarray, normals: np.ndarray, material: np.ndarray, camera: Camera, width: int) -> np.ndarray:
    """Per-pixel light from normals smoothed across the painted faces' edges (rounded bodywork)."""
    inside = (material > 0).astype(np.float32)
    k = max(3, int(0.012 * width) | 1)
    smooth = cv2.GaussianBlur(normals * inside[..., None], (k, k), 0)
    smooth /= np.maximum(cv2.GaussianBlur(inside, (k, k), 0), 1e-3)[..., None]
    painted = np.isin(material, (_MATERIALS["paint"][0], _MATERIALS["seam"][0]))[..., None]
    n = np.where(painted, smooth, normals)
    n /= np.maximum(np.linalg.norm(n, axis=2, keepdims=True), 1e-6)
    light = _LIGHT.astype(np.float32)
    view = -camera.rotation[2].astype(np.float32)
    n_light = (n @ light)[..., None]
    n_view = (n @ view)[..., None]
    sky = np.clip(((2 * n_view * n - view)[..., 2:3]) * 1.5 + 0.3, 0, 1)
    highlight = np.clip((2 * n_light * n - light) @ view, 0, 1)[..., None]
    colour = albedo * (0.35 + 0.75 * np.clip(n_light, 0, 1))
    glossy = np.isin(material, [mid for mid, _, gloss in _MATERIALS.values() if gloss])[..., None]
    tint = np.array([1.0, 0.97, 0.92], np.float32)
    colour += glossy * (0.25 * sky * tint + 0.6 * highlight**30)
    glass = (material == _MATERIALS["glass"][0])[..., None]
    colour = np.where(glass, albedo + 0.35 * sky * tint + 0.5 * highlight**20, colour)
    colour = np.where((material == _MATERIALS["lamp"][0])[..., None], albedo, colour)
    return np.clip(colour * 255, 0, 255).astype(np.uint8)
