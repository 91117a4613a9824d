#!/bin/sh
# A throwaway PKI for TestProxyAndTls, in the directory $1: a trusted CA and
# an untrusted one, and server certificates signed by them for 127.0.0.1 and
# localhost (good.pem, untrusted.pem), for another name (wrong-name.pem) and
# long expired (expired.pem); each with its key (<name>.key). `openssl ca`
# because OpenSSL 3.0's `x509 -req` cannot set a validity in the past.
set -eu
dir=$1
cd "$dir"
quiet() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }; }

make_ca() { # name, subject
  quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -days 2 -subj "$2" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
  mkdir -p "$1.db/new"
  : >"$1.db/index.txt"
  echo 1000 >"$1.db/serial"
  cat >"$1.cnf" <<CNF
[ca]
default_ca = this
[this]
dir = $dir/$1.db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir/new
certificate = $dir/$1.pem
private_key = $dir/$1.key
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
CNF
}

sign() { # ca, name, subject, subjectAltName, startdate, enddate
  quiet openssl req -newkey rsa:2048 -nodes -keyout "$2.key" -out "$2.csr" -subj "$3" -addext "subjectAltName=$4"
  quiet openssl ca -batch -config "$1.cnf" -in "$2.csr" -out "$2.pem" -notext -startdate "$5" -enddate "$6"
}

make_ca ca "/CN=Latchkey Test Root CA"
make_ca rogue "/CN=Latchkey Untrusted Test CA"
sign ca good "/CN=127.0.0.1" "IP:127.0.0.1,DNS:localhost" 20000101000000Z 20991231235959Z
sign ca wrong-name "/CN=wrong.example.org" "DNS:wrong.example.org" 20000101000000Z 20991231235959Z
sign ca expired "/CN=127.0.0.1" "IP:127.0.0.1,DNS:localhost" 20000101000000Z 20010101000000Z
sign rogue untrusted "/CN=127.0.0.1" "IP:127.0.0.1,DNS:localhost" 20000101000000Z 20991231235959Z
