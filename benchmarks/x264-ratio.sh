#!/usr/bin/env bash
# emo4j's H.264 against x264's: renders the demo and a wide 1280x720 photo with a 32-pixel face, each with
# --frames (the lossless frames as they went to the encoder), then encodes those frames with x264
# (-preset veryfast) at several CRFs. Prints each video stream's size and luma PSNR against the frames,
# x264's size interpolated at emo4j's PSNR (log size linear in PSNR between the bracketing CRFs), and the
# ratio emo4j / x264. Needs ffmpeg with libx264.
# Usage: benchmarks/x264-ratio.sh [CLI_JAR] [render options...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar=${1:-$root/emo-examples/target/emo-cli.jar}
shift || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ffmpeg -loglevel error -i "$root/samples/portrait-astronaut.png" \
  -vf "scale=184:184:flags=bicubic,pad=1280:720:820:300:color=0x607080" "$work/wide.png"
cp "$root/samples/portrait-astronaut.png" "$work/demo.png"

# video-only bytes of an MP4
vbytes() { ffmpeg -loglevel error -i "$1" -map 0:v -c copy -f mp4 -y "$work/v.mp4" && stat -c %s "$work/v.mp4"; }
# mean luma PSNR of an MP4 against the PNG frames
psnr() {
  ffmpeg -hide_banner -i "$1" -framerate 25 -i "$2/frame-%06d.png" \
    -lavfi "[0:v]format=yuv420p[a];[1:v]format=yuv420p[b];[a][b]psnr" -f null - 2>&1 |
    sed -n 's/.*PSNR y:\([0-9.inf]*\).*/\1/p' | tail -1
}

for name in demo wide; do
  java -jar "$jar" render --portrait "$work/$name.png" --audio "$root/samples/speech-sample.wav" \
    --out "$work/$name.mp4" --frames "$work/$name-frames" --quiet "$@" 2>&1 | tail -1
  ours=$(vbytes "$work/$name.mp4")
  ours_psnr=$(psnr "$work/$name.mp4" "$work/$name-frames")
  table=""
  for crf in 6 10 14 18 22 26 30; do
    ffmpeg -loglevel error -framerate 25 -i "$work/$name-frames/frame-%06d.png" -c:v libx264 -preset veryfast \
      -crf $crf -pix_fmt yuv420p -y "$work/x.mp4"
    table="$table$crf $(vbytes "$work/x.mp4") $(psnr "$work/x.mp4" "$work/$name-frames")"$'\n'
  done
  echo "== $name: emo4j $ours bytes of video at Y PSNR $ours_psnr dB"
  printf '%s' "$table" | awk '{ printf "   x264 veryfast crf %2d: %9d bytes, Y PSNR %s dB\n", $1, $2, $3 }'
  printf '%s' "$table" | awk -v p="$ours_psnr" -v b="$ours" '
    { crf[NR] = $1; size[NR] = $2; ps[NR] = $3 }
    END {
      for (i = 1; i < NR; i++) {
        if ((ps[i] >= p && ps[i+1] <= p) || (ps[i] <= p && ps[i+1] >= p)) {
          t = (ps[i] == ps[i+1]) ? 0 : (p - ps[i]) / (ps[i+1] - ps[i])
          x = exp(log(size[i]) + t * (log(size[i+1]) - log(size[i])))
          printf "   x264 at %.2f dB: %.0f bytes; emo4j / x264 = %.2f\n", p, x, b / x
          exit
        }
      }
      printf "   emo4j PSNR %.2f dB is outside x264 CRF %d..%d (%.2f..%.2f dB)\n", p, crf[1], crf[NR], ps[1], ps[NR]
    }'
done
