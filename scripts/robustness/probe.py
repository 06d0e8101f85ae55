#!/usr/bin/env python3
"""How `parasol convert` handles hostile input: the table in docs/ROBUSTNESS.md.

    python3 scripts/robustness/probe.py --parasol target/release/parasol \\
        [--models models/files] [--markdown OUT.md] [--only 1,5,12c] [--keep]

Every input is generated here with the Python standard library (PDF, PNG,
TIFF and WebP are written by hand) under a fresh /tmp/probe-* directory,
removed afterwards unless --keep. Each case runs the binary as a child
process capped at 2 GiB of address space (RLIMIT_AS), killed with its
process group after --timeout seconds (300), and records its exit code or
signal, wall time, peak RSS (the child's own rusage, from wait4) and what it
wrote. Every batch also holds one ordinary born-digital PDF whose text is
"Good document 1", and the case checks that it was converted: one bad file
must never stop the others (12d, where nothing can be written, excepted).

Cases:
  1   a 40-page TIFF, each page 9000x9000 8-bit grey (81 MP) in one deflate
      strip: converted or a failure naming a limit, exit 0/1, no signal.
  2   same output name: d1/x.pdf and d2/x.pdf named; two directories holding
      sub/y.pdf; x.pdf beside x.png and x.pdf.png in one directory: one
      output per input (counted), each PDF's own text in one of them.
  3   `ok.html.partial` and `ok.html` planted in --out as links to ../victim:
      the victim is unchanged.
  4   a FIFO and /dev/zero named on the command line: each fails with a
      `failed:` line naming it, the run ends within 10 s (no hang; it is
      killed after 30 s).
  5   PDF text `<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`,
      and NUL, ESC and U+202E (a ToUnicode CMap on Helvetica maps the codes
      \\000, \\033 and \\001 to them; PDFium itself may drop NUL, ESC is the
      control that then remains), with --format md,html,txt: no unescaped
      `<script`/`<img` in .md/.html, no C0 control (other than tab and line
      ends) nor U+202E in any output.
  6   SIGINT to the process group once the first outputs of a 41-file batch
      (--format html,md,txt,json) appear: exit 130, no `*.partial` left, each
      stem has all four formats or none.
  7   a one-page PDF whose /Contents names one FlateDecode stream of 2 GiB of
      zeros three times (zlib.compressobj(9) with full flushes, so one
      compressed chunk is repeated; the Adler-32 is that of the whole):
      a `failed:` or `warning:` line naming it, never a silent success or
      a signal.
  8   RGBA 800x300 PNG, black block letters "HELLO WORLD" (77 px tall) on a
      fully transparent (0,0,0,0) background: the .txt contains HELLO.
  9   two runs at once, the same 6 PDFs (one the good file) into one --out,
      all four formats: both exit 0, 24 outputs each holding its own text,
      no `failed:`/`error:` line, no `*.partial`. A race, so it may pass
      by luck.
  10  run as `nobody`: a directory with good.pdf and locked/ (mode 000)
      holding a PDF: exit 1, a message naming `locked`, good.pdf converted.
  11  --out inside the input folder with --figures files, twice, on a folder
      holding a copy of samples/report.pdf (the good PDF is named apart):
      the second run's summary counts 2 files, so the folder gave 1.
  12a a JPEG (samples/receipt-photo.jpg) cut at 60 %: a warning naming it.
  12b an animated WebP, two solid 64x64 VP8L frames: a warning naming it.
  12c a symlink to a PDF inside a walked directory: a warning or note.
  12d --out /proc/parasol-out: exit 2 at once (within 5 s).
  12e a corrupt PDF named "evil\\nfailed: forged.pdf": no output line starts
      with `failed: forged`.
  12f 200 blank pages in one PDF: at most 0.1 s per page (wall time / 200;
      the run is killed after 120 s, well past that).

A case whose run is killed by a signal or the timeout always fails. The
script prints the table (| case | input | exit | time s | peak RSS MiB |
result | expected | ok |), writes it as Markdown with --markdown, and exits
1 when any expectation failed. Run it as root: case 10 switches to nobody.
"""
import argparse, contextlib, os, re, resource, shutil, signal, struct, subprocess, sys, tempfile, time, zlib
from collections import namedtuple
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOOD_TEXT = "Good document 1"
FORMATS = (".html", ".md", ".txt", ".json")
AS_LIMIT = 2 << 30
BLANK_PAGE_S = 0.1
NOBODY = (65534, 65534)

# ---------------------------------------------------------------- PDF

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

def pdf_escape(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")

def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"

def build_pdf(objects):
    """Objects numbered from 1 (1 is the catalog), with a correct xref table."""
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

def text_pdf(pages, font=HELVETICA, extra=()):
    """Letter pages; each a list of escaped PDF string bodies, one per line."""
    first = 4 + len(extra)
    kids = b" ".join(b"%d 0 R" % (first + 2 * i) for i in range(len(pages)))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
            font, *extra]
    for i, lines in enumerate(pages):
        content = b"".join(b"BT /F1 %d Tf 72 %d Td (%s) Tj ET\n" % (20 if j == 0 else 12, 720 - 28 * j, s)
                           for j, s in enumerate(lines))
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (first + 2 * i + 1))
        objs.append(stream(content))
    return build_pdf(objs)

def simple_pdf(*lines):
    return text_pdf([[pdf_escape(s) for s in lines]])

def zeros_deflate(size, chunk=16 << 20):
    """A zlib stream of `size` zero bytes from zlib.compressobj(9). After a full
    flush a chunk compresses to the same bytes whatever came before, so one
    is compressed and repeated; the trailer is the Adler-32 of all the bytes."""
    co, zero = zlib.compressobj(9), bytes(chunk)
    head = co.compress(zero) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(zero) + co.flush(zlib.Z_FULL_FLUSH)
    end = co.flush(zlib.Z_FINISH)[:-4]
    return head + again * (size // chunk - 1) + end + struct.pack(">I", ((size % 65521) << 16) | 1)

def bomb_pdf():
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                      b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 4 0 R 4 0 R] >>",
                      stream(zeros_deflate(2 << 30), b"/Filter /FlateDecode ")])

TOUNICODE = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Parasol-Probe-UCS def /CMapType 2 def
1 begincodespacerange <00> <FF> endcodespacerange
3 beginbfchar <00> <0000> <01> <202E> <1B> <001B> endbfchar
1 beginbfrange <20> <7E> <0020> endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end"""

def control_pdf():
    """Helvetica whose ToUnicode maps code 0 to NUL, 1 to U+202E, 27 to ESC."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 4 0 R >>"
    return text_pdf([[b"Control \\000 NUL \\001 RLO \\033 ESC end"]], font=font, extra=[stream(TOUNICODE)])

# ---------------------------------------------------------------- images

GLYPHS = {"H": "10001 10001 10001 11111 10001 10001 10001", "E": "11111 10000 10000 11110 10000 10000 11111",
          "L": "10000 10000 10000 10000 10000 10000 11111", "O": "01110 10001 10001 10001 10001 10001 01110",
          "W": "10001 10001 10001 10101 10101 10101 01010", "R": "11110 10001 10001 11110 10100 10010 10001",
          "D": "11110 10001 10001 10001 10001 10001 11110"}

def text_mask(text, w, h, cell=11):
    """Block letters from a 5x7 grid, `cell` px per dot, centred: 1 = ink."""
    mask, adv = bytearray(w * h), 6 * cell
    x0, y0 = (w - len(text) * adv + cell) // 2, (h - 7 * cell) // 2
    for i, ch in enumerate(text):
        for r, row in enumerate(GLYPHS.get(ch, "").split()):
            for c, bit in enumerate(row):
                if bit == "1":
                    for y in range(y0 + r * cell, y0 + (r + 1) * cell):
                        start = y * w + x0 + i * adv + c * cell
                        mask[start:start + cell] = b"\1" * cell
    return mask

def png(w, h, pixels, channels):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    stride = w * channels
    raw = b"".join(b"\0" + pixels[y * stride:(y + 1) * stride] for y in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, {1: 0, 4: 6}[channels], 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

def tiff_pages(n, w, h, fill=255):
    """Little-endian multi-page TIFF: per page an IFD and one deflate strip."""
    strip = zlib.compress(bytes([fill]) * (w * h), 6)
    strip += b"\0" * (len(strip) % 2)
    out, ntags = bytearray(b"II*\0" + struct.pack("<I", 8)), 11
    for page in range(n):
        ifd = len(out)
        data = ifd + 2 + 12 * ntags + 4
        nxt = data + len(strip) if page < n - 1 else 0
        short = lambda tag, v: struct.pack("<HHIHH", tag, 3, 1, v, 0)
        long_ = lambda tag, v: struct.pack("<HHII", tag, 4, 1, v)
        out += struct.pack("<H", ntags) + b"".join([
            long_(254, 2), long_(256, w), long_(257, h), short(258, 8), short(259, 8), short(262, 1),
            long_(273, data), short(277, 1), long_(278, h), long_(279, len(strip)), short(284, 1)])
        out += struct.pack("<I", nxt) + strip
    return bytes(out)

def vp8l_solid(w, h, argb):
    """A lossless WebP bitstream of one colour: five one-symbol prefix codes,
    so no pixel needs a bit."""
    bits = []
    put = lambda v, n: bits.extend((v >> i) & 1 for i in range(n))
    put(0x2F, 8), put(w - 1, 14), put(h - 1, 14), put(0, 1), put(0, 3)
    put(0, 1), put(0, 1), put(0, 1)  # no transform, no colour cache, no meta prefix codes
    a, r, g, b = argb
    for symbol in (g, r, b, a, 0):  # green, red, blue, alpha, distance
        put(1, 1), put(0, 1), put(1, 1), put(symbol, 8)
    bits += [0] * (-len(bits) % 8)
    return bytes(sum(bits[i + k] << k for k in range(8)) for i in range(0, len(bits), 8))

def animated_webp(w=64, h=64, colours=((255, 255, 255, 255), (255, 96, 96, 96))):
    def chunk(kind, data):
        return kind + struct.pack("<I", len(data)) + data + b"\0" * (len(data) % 2)
    u24 = lambda v: struct.pack("<I", v)[:3]
    body = b"WEBP" + chunk(b"VP8X", b"\x02\0\0\0" + u24(w - 1) + u24(h - 1))
    body += chunk(b"ANIM", struct.pack("<IH", 0xFFFFFFFF, 0))
    for c in colours:
        body += chunk(b"ANMF", u24(0) + u24(0) + u24(w - 1) + u24(h - 1) + u24(500) + b"\0"
                      + chunk(b"VP8L", vp8l_solid(w, h, c)))
    return b"RIFF" + struct.pack("<I", len(body)) + body

# ---------------------------------------------------------------- running

@dataclass
class Run:
    code: int = None
    sig: int = None
    timed_out: bool = False
    secs: float = 0.0
    rss_mib: float = 0.0
    out: str = ""
    err: str = ""

    @property
    def exit(self):
        return "timeout" if self.timed_out else signal.Signals(self.sig).name if self.sig else str(self.code)

    def lines(self, prefix, naming=""):
        return [l for l in (self.out + "\n" + self.err).splitlines() if l.startswith(prefix) and naming in l]

    def why(self):
        """The telling stderr line: a panic or allocation failure, else the last."""
        lines = [l.strip() for l in self.err.splitlines() if l.strip()]
        key = [l for l in lines if re.search(r"panicked|memory allocation|^error:", l)]
        return shorten((key or lines or ["(no stderr)"])[0 if key else -1])

class Ctx:
    def __init__(self, args):
        self.parasol, self.models, self.timeout = args.parasol, args.models, args.timeout
        self.root = Path(tempfile.mkdtemp(prefix="probe-", dir="/tmp"))
        self.root.chmod(0o755)  # case 10 runs as nobody

    def dir(self, name):
        d = self.root / name
        d.mkdir(mode=0o755)
        return d

    def good(self, d):
        (d / "good.pdf").write_bytes(simple_pdf(GOOD_TEXT, "An ordinary born-digital page in a hostile batch."))
        return d / "good.pdf"

    def runs(self, batches, user=None, timeout=None, on_tick=None):
        """Starts one `convert` per argument list at once and waits for all,
        polling wait4 so each child's own peak RSS is known."""
        timeout = timeout or self.timeout
        models = ["--models", str(self.models)] if self.models else []

        def limits():
            resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
            if user:
                os.setgroups([])
                os.setgid(user[1])
                os.setuid(user[0])
        pending, runs = {}, []
        try:
            for args in batches:
                fo, fe = tempfile.TemporaryFile(), tempfile.TemporaryFile()
                p = subprocess.Popen([str(self.parasol), *models, "convert", *map(str, args)], stdin=subprocess.DEVNULL,
                                     stdout=fo, stderr=fe, start_new_session=True, preexec_fn=limits)
                runs.append(Run())
                pending[p.pid] = (p, runs[-1], fo, fe, time.monotonic())
            while pending:
                for pid, (p, run, fo, fe, t0) in list(pending.items()):
                    got, status, usage = os.wait4(pid, os.WNOHANG)
                    if got:
                        run.secs, run.rss_mib = time.monotonic() - t0, usage.ru_maxrss / 1024
                        run.sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
                        run.code = None if run.sig else os.WEXITSTATUS(status)
                        p.returncode = os.waitstatus_to_exitcode(status)
                        for f, attr in ((fo, "out"), (fe, "err")):
                            f.seek(0)
                            setattr(run, attr, f.read().decode("utf-8", "replace"))
                            f.close()
                        del pending[pid]
                    elif time.monotonic() - t0 > timeout and not run.timed_out:
                        run.timed_out = True
                        os.killpg(pid, signal.SIGKILL)
                if on_tick and pending:
                    on_tick(next(iter(pending)))
                time.sleep(0.02)
        finally:  # the harness itself interrupted: leave no child behind
            for pid in pending:
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
        return runs

    def run(self, args, **kw):
        return self.runs([args], **kw)[0]

# ---------------------------------------------------------------- judging

def shorten(s, n=90):
    s = s.replace("\n", "\\n").strip()
    return s if len(s) <= n else s[:n - 1] + "…"

def outputs(out):
    """Regular files (not links) with an output extension, below `out`."""
    return sorted(Path(d, f) for d, _, fs in os.walk(out) for f in fs
                  if f.endswith(FORMATS) and not Path(d, f).is_symlink())

def partials(out):
    return [f for _, _, fs in os.walk(out) for f in fs if f.endswith(".partial")]

def good_converted(out):
    return any(GOOD_TEXT in p.read_text(errors="replace") for p in outputs(out))

Row = namedtuple("Row", "case input exit secs rss result expected ok")

def row(case, what, expected, runs, obs, checks, out=None, secs=None):
    """Each check is (holds, what is wrong otherwise). A run killed by a
    signal or the timeout always fails; `out` adds the good-file check."""
    checks = list(checks) + [(not r.sig and not r.timed_out, f"{r.exit}: {r.why()}") for r in runs]
    if out is not None:
        checks.append((good_converted(out), "good file NOT converted"))
    failed = ["✗ " + msg for holds, msg in checks if not holds]
    return Row(case, what, "/".join(r.exit for r in runs), sum(r.secs for r in runs) if secs is None else secs,
               max(r.rss_mib for r in runs), "; ".join(obs + failed) or "as expected", expected, not failed)

def first(lines, default):
    return shorten(lines[0], 70) if lines else default

# ---------------------------------------------------------------- cases

def case_1(ctx):
    d = ctx.dir("c1")
    (d / "pages.tif").write_bytes(tiff_pages(40, 9000, 9000))
    r = ctx.run([d / "pages.tif", ctx.good(d), "--out", d / "out"])
    converted = any(p.stem == "pages" for p in outputs(d / "out"))
    failed = r.lines("failed:", "pages.tif")
    limit = any(re.search(r"limit|exceed|too (many|large|big)|--max-", l, re.I) for l in failed)
    return row("1", f"TIFF, 40 pages of 9000×9000 grey, deflate ({(d / 'pages.tif').stat().st_size >> 10} KiB)",
               "converted or an error naming a limit, exit 0/1, no signal", [r],
               ["TIFF converted" if converted else first(failed, "TIFF not converted")],
               [(r.code in (0, 1), f"exit {r.exit}"), (converted or limit, "neither converted nor a limit named")],
               d / "out")

def case_2(ctx):
    d, texts = ctx.dir("c2"), {}
    for rel in ("d1/x.pdf", "d2/x.pdf", "A/sub/y.pdf", "B/sub/y.pdf", "C/x.pdf"):
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        texts[rel] = f"Same name {rel}"
        (d / rel).write_bytes(simple_pdf(texts[rel]))
    for name, word in (("x.png", "HELLO"), ("x.pdf.png", "WORLD")):
        (d / "C" / name).write_bytes(png(500, 160, bytes(0 if m else 255 for m in text_mask(word, 500, 160)), 1))
    r = ctx.run([d / "d1/x.pdf", d / "d2/x.pdf", d / "A", d / "B", d / "C", ctx.good(d), "--out", d / "out"])
    found = outputs(d / "out")
    bodies = [p.read_text(errors="replace") for p in found]
    lost = [rel for rel, t in texts.items() if not any(t in b for b in bodies)]
    return row("2", "d1/x.pdf + d2/x.pdf named; A/ and B/ with sub/y.pdf; C/ with x.pdf, x.png, x.pdf.png",
               "one output per input (8), none overwritten", [r],
               [f"{len(found)} outputs for 8 inputs"] + [f"lost {rel}" for rel in lost],
               [(len(found) == 8, "outputs ≠ inputs"), (not lost, "outputs overwritten")], d / "out")

def case_3(ctx):
    d = ctx.dir("c3")
    victim, out = d / "victim", d / "out"
    victim.write_bytes(b"precious")
    out.mkdir()
    for name in ("ok.html.partial", "ok.html"):
        (out / name).symlink_to("../victim")
    (d / "ok.pdf").write_bytes(simple_pdf("Written beside a planted link"))
    r = ctx.run([d / "ok.pdf", ctx.good(d), "--out", out])
    intact = victim.read_bytes() == b"precious"
    kind = "link" if (out / "ok.html").is_symlink() else "file" if (out / "ok.html").exists() else "missing"
    return row("3", "--out holds ok.html.partial and ok.html → ../victim", "victim unchanged", [r],
               [f"victim {'unchanged' if intact else 'OVERWRITTEN'}", f"ok.html is a {kind}"],
               [(intact, "victim written through the link")], out)

def case_4(ctx):
    d = ctx.dir("c4")
    os.mkfifo(d / "pipe.pdf")
    r = ctx.run([d / "pipe.pdf", "/dev/zero", ctx.good(d), "--out", d / "out"], timeout=30)
    return row("4", "a FIFO and /dev/zero named", "each fails fast (< 10 s) with a message", [r],
               [shorten(l, 60) for l in r.lines("failed:")] or ["no failed: line"],
               [(r.secs < 10, "took ≥ 10 s"), (r.lines("failed:", "pipe.pdf"), "FIFO not reported"),
                (r.lines("failed:", "/dev/zero"), "/dev/zero not reported")], d / "out")

def case_5(ctx):
    d = ctx.dir("c5")
    (d / "script.pdf").write_bytes(simple_pdf("<script>alert(1)</script>"))
    (d / "img.pdf").write_bytes(simple_pdf("<img src=x onerror=alert(1)>"))
    (d / "ctrl.pdf").write_bytes(control_pdf())
    r = ctx.run([d / "script.pdf", d / "img.pdf", d / "ctrl.pdf", ctx.good(d), "--out", d / "out",
                 "--format", "md,html,txt"])
    raw_tag, bad_char = re.compile(r"(?<!\\)<(script|img)\b", re.I), re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u202e]")
    obs, tags, chars = [], False, False
    for p in outputs(d / "out"):
        body = p.read_text(errors="replace")
        if p.suffix in (".md", ".html") and raw_tag.search(body):
            tags = obs.append(f"raw tag in {p.name}") or True
        if found := sorted(set(bad_char.findall(body))):
            chars = obs.append(f"{p.name} has " + ",".join(f"U+{ord(c):04X}" for c in found)) or True
    return row("5", "PDF text <script>, <img onerror>, NUL/ESC/U+202E via ToUnicode",
               "no raw <script/<img in .md/.html; no NUL, U+202E in any output", [r], obs,
               [(not tags, "markup injected"), (not chars, "control characters passed through"),
                (r.code == 0, f"exit {r.exit}")], d / "out")

def case_6(ctx):
    d = ctx.dir("c6")
    batch, out, sent = d / "batch", d / "out", []
    batch.mkdir()
    for i in range(40):
        (batch / f"p{i:02}.pdf").write_bytes(simple_pdf(f"Batch document {i}", "A short page to convert."))

    def interrupt(pid):  # Ctrl-C as a terminal sends it: to the process group
        if not sent and any(not f.endswith(".partial") for _, _, fs in os.walk(out) for f in fs):
            sent.append(time.monotonic())
            os.killpg(pid, signal.SIGINT)
    t0 = time.monotonic()
    r = ctx.run([ctx.good(d), batch, "--out", out, "--format", "html,md,txt,json"], on_tick=interrupt)
    stems = {}
    for p in outputs(out):
        stems.setdefault(p.with_suffix(""), set()).add(p.suffix)
    torn, left = sorted(s.name for s, exts in stems.items() if len(exts) != 4), partials(out)
    return row("6", "SIGINT during 41 small PDFs, 4 formats", "exit 130, no *.partial, each stem all formats or none",
               [r], [f"SIGINT at {sent[0] - t0:.1f} s" if sent else "ended before any output: SIGINT not sent",
                     f"{len(stems) - len(torn)} stems complete, {len(torn)} torn", f"{len(left)} .partial left"],
               [(r.code == 130, "exit not 130"), (not left, "partial files left"),
                (not torn, "stems missing formats: " + ",".join(torn[:3]))], out)

def case_7(ctx):
    d = ctx.dir("c7")
    (d / "bomb.pdf").write_bytes(bomb_pdf())
    r = ctx.run([d / "bomb.pdf", ctx.good(d), "--out", d / "out"])
    said = r.lines("failed:", "bomb.pdf") + r.lines("warning:", "bomb.pdf")
    return row("7", f"PDF, /Contents = 3× one 2 GiB zero stream ({(d / 'bomb.pdf').stat().st_size >> 10} KiB)",
               "a specific error or warning, no silent success, no signal", [r],
               [first(said, "nothing said about bomb.pdf")], [(said, "no error or warning naming bomb.pdf")], d / "out")

def case_8(ctx):
    d, w, h = ctx.dir("c8"), 800, 300
    mask = text_mask("HELLO WORLD", w, h)
    (d / "hello.png").write_bytes(png(w, h, b"".join(b"\0\0\0\xff" if m else b"\0\0\0\0" for m in mask), 4))
    r = ctx.run([d / "hello.png", ctx.good(d), "--out", d / "out", "--format", "txt"])
    txt = d / "out/hello.txt"
    text = txt.read_text(errors="replace") if txt.exists() else None
    return row("8", "RGBA PNG 800×300, black HELLO WORLD on transparent", ".txt contains HELLO", [r],
               [f"text: {shorten(text, 40)!r}" if text is not None else "no hello.txt"],
               [(r.code == 0, f"exit {r.exit}"), (text is not None and "hello" in text.lower(), "HELLO not read")],
               d / "out")

def case_9(ctx):
    d = ctx.dir("c9")
    src, out, texts = d / "in", d / "out", {"good": GOOD_TEXT}
    src.mkdir()
    ctx.good(src)
    for i in range(5):
        texts[f"doc{i}"] = f"Concurrent document {i}"
        (src / f"doc{i}.pdf").write_bytes(simple_pdf(texts[f"doc{i}"], "Two runs write here at once."))
    args = [src, "--out", out, "--format", "html,md,txt,json"]
    runs = ctx.runs([args, args])
    found, errors = outputs(out), sum(len(r.lines("failed:") + r.lines("error:")) for r in runs)
    mangled = [p.name for p in found if texts.get(p.stem, "?") not in p.read_text(errors="replace")]
    return row("9", "two runs at once, same 6 PDFs, same --out, 4 formats", "both exit 0, 24 outputs, no errors",
               runs, [f"{len(found)} outputs", f"{errors} failed/error lines", f"{len(partials(out))} .partial left"],
               [(all(r.code == 0 for r in runs), "a run did not exit 0"), (len(found) == 24, "outputs ≠ 24"),
                (not mangled, "mangled: " + ",".join(mangled[:3])), (not errors, "errors reported"),
                (not partials(out), "partial files left")], out, secs=max(r.secs for r in runs))

def case_10(ctx):
    d = ctx.dir("c10")
    tree, out = d / "tree", d / "out"
    (tree / "locked").mkdir(parents=True)
    tree.chmod(0o755)
    ctx.good(tree)
    (tree / "locked/secret.pdf").write_bytes(simple_pdf("Locked away"))
    out.mkdir()
    out.chmod(0o777)
    (tree / "locked").chmod(0)
    try:
        r = ctx.run([tree, "--out", out], user=NOBODY)
    finally:
        (tree / "locked").chmod(0o755)
    return row("10", "as nobody: dir with good.pdf and locked/ (mode 000)", "exit 1, names locked, good.pdf converted",
               [r], [shorten(r.why(), 70)], [(r.code == 1, f"exit {r.exit}"), ("locked" in r.err, "locked not named")],
               out)

def case_11(ctx):
    d = ctx.dir("c11")
    folder = d / "folder"
    folder.mkdir()
    shutil.copy(REPO / "samples/report.pdf", folder / "report.pdf")
    args = [folder, ctx.good(d), "--out", folder / "out", "--figures", "files"]
    runs = [ctx.run(args), ctx.run(args)]
    counts = [int(m.group(1)) if (m := re.search(r"^(\d+) files \(", r.out, re.M)) else None for r in runs]
    figs = len(list((folder / "out").rglob("*.png")))
    return row("11", "--out inside the input folder, --figures files, run twice (report.pdf + good)",
               "second run converts 1 folder file (2 with good), not the figure PNGs", runs, [f"files per run: {counts[0]}, {counts[1]}", f"{figs} PNGs under out"],
               [(all(r.code == 0 for r in runs), "a run did not exit 0"), (counts[1] == 2, "second run's count ≠ 2"),
                (figs > 0, "no figure PNG written")], folder / "out")

def warned(ctx, case, what, name, data):
    """`name` (holding `data`) and the good file: exit 0 and a warning naming it."""
    d = ctx.dir("c" + case)
    (d / name).write_bytes(data)
    r = ctx.run([d / name, ctx.good(d), "--out", d / "out"])
    said = r.lines("warning:", name) + r.lines("note:", name)
    return row(case, what, "a warning naming it", [r], [first(said, "no warning")],
               [(r.code == 0, f"exit {r.exit}: {r.why()}"), (said, "no warning")], d / "out")

def case_12a(ctx):
    jpeg = (REPO / "samples/receipt-photo.jpg").read_bytes()
    cut = jpeg[:len(jpeg) * 6 // 10]
    return warned(ctx, "12a", f"JPEG cut at 60 % ({len(cut) >> 10} KiB)", "cut.jpg", cut)

def case_12b(ctx):
    return warned(ctx, "12b", "animated WebP, 2 solid VP8L frames", "anim.webp", animated_webp())

def case_12c(ctx):
    d = ctx.dir("c12c")
    (d / "walk").mkdir()
    ctx.good(d / "walk")
    (d / "target.pdf").write_bytes(simple_pdf("Reached through a link"))
    (d / "walk/link.pdf").symlink_to("../target.pdf")
    r = ctx.run([d / "walk", "--out", d / "out"])
    said = r.lines("warning:", "link.pdf") + r.lines("note:", "link.pdf")
    return row("12c", "symlink to a PDF inside a walked directory", "a warning or note naming it", [r],
               [first(said, "nothing said about link.pdf")], [(said, "link not mentioned")], d / "out")

def case_12d(ctx):
    d = ctx.dir("c12d")
    (d / "other.pdf").write_bytes(simple_pdf("Nowhere to go"))
    r = ctx.run([ctx.good(d), d / "other.pdf", "--out", "/proc/parasol-out"])
    return row("12d", "--out /proc/parasol-out (good file not checked)", "exit 2 at once (< 5 s)", [r],
               [shorten(r.why(), 70)], [(r.code == 2, f"exit {r.exit}"), (r.secs < 5, "not at once")])

def case_12e(ctx):
    d = ctx.dir("c12e")
    (d / "evil\nfailed: forged.pdf").write_bytes(b"%PDF-1.7\nthis is not a PDF body\n")
    r = ctx.run([d / "evil\nfailed: forged.pdf", ctx.good(d), "--out", d / "out"])
    forged = r.lines("failed: forged")
    return row("12e", "corrupt PDF named 'evil\\nfailed: forged.pdf'", "no forged `failed:` line", [r],
               [first(forged or r.lines("failed:"), "no failed: line")], [(not forged, "forged line printed")],
               d / "out")

def case_12f(ctx):
    d = ctx.dir("c12f")
    (d / "blank.pdf").write_bytes(text_pdf([[] for _ in range(200)]))
    r = ctx.run([d / "blank.pdf", ctx.good(d), "--out", d / "out"], timeout=min(ctx.timeout, 120))
    per = r.secs / 200
    return row("12f", "200 blank pages in one PDF", f"fast: ≤ {BLANK_PAGE_S} s per page", [r],
               [f"{'> ' if r.timed_out else ''}{per:.3f} s per blank page (wall / 200)"],
               [(r.code == 0, f"exit {r.exit}"), (per <= BLANK_PAGE_S, "slow")], d / "out")

CASES = {n: globals()[f"case_{n}"] for n in [*map(str, range(1, 12)), *(f"12{x}" for x in "abcdef")]}

# ---------------------------------------------------------------- report

HEADER = ("case", "input", "exit", "time s", "peak RSS MiB", "result", "expected", "ok")

def cells(r):
    return (r.case, r.input, r.exit, f"{r.secs:.1f}", f"{r.rss:.0f}", r.result, r.expected, "yes" if r.ok else "NO")

def markdown(rows):
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    return "\n".join(lines + ["| " + " | ".join(map(esc, cells(r))) + " |" for r in rows]) + "\n"

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parasol", required=True, type=Path, help="the parasol binary")
    ap.add_argument("--models", type=Path, default=os.environ.get("PARASOL_MODELS"),
                    help="model directory (default: $PARASOL_MODELS, else the binary's default)")
    ap.add_argument("--markdown", type=Path, help="also write the table here, as Markdown")
    ap.add_argument("--only", help="comma-separated cases, e.g. 1,5,12c (12 = 12a to 12f)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed (default 300)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = ap.parse_args()
    if not os.access(args.parasol, os.X_OK):
        sys.exit(f"not an executable: {args.parasol}")
    args.parasol = args.parasol.resolve()
    only = set(args.only.split(",")) if args.only else None
    unknown = only - set(CASES) - {n.rstrip("abcdef") for n in CASES} if only else None
    if unknown:
        sys.exit(f"unknown case(s): {','.join(sorted(unknown))}; cases: {','.join(CASES)}")
    ctx, rows = Ctx(args), []
    try:
        for n, case in CASES.items():
            if only and n not in only and n.rstrip("abcdef") not in only:
                continue
            print(f"case {n} …", file=sys.stderr, flush=True)
            try:
                rows.append(case(ctx))
            except Exception as e:  # a harness failure is a row, not the end of the table
                rows.append(Row(n, "", "-", 0, 0, f"harness error: {e!r}", "", False))
    finally:
        if args.keep:
            print(f"scratch kept in {ctx.root}", file=sys.stderr)
        else:
            shutil.rmtree(ctx.root, ignore_errors=True)
    widths = [max(len(str(c)) for c in col) for col in zip(HEADER, *map(cells, rows))]
    for line in [HEADER, *map(cells, rows)]:
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())
    if args.markdown:
        args.markdown.write_text(markdown(rows))
    sys.exit(0 if all(r.ok for r in rows) else 1)


if __name__ == "__main__":
    main()
