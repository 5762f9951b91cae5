# Sourced by .ci/run: Debian's Chromium for the dashboard's browser tests (playwright-core drives
# it; nothing is downloaded at test time) and a CJK font so screenshots show the Chinese text.
if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
fi
echo "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: missing')"
