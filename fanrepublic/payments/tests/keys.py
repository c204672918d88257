"""RSA keys made in the test run (never committed): the merchant's, the provider's, and the
certificates of Alipay's certificate mode."""

import datetime
import functools
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class KeyPair:
    def __init__(self):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public = self.private.public_key()

    @functools.cached_property
    def private_pem(self) -> str:
        return self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    @functools.cached_property
    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()


@functools.cache
def key_pair(name: str) -> KeyPair:
    """One pair per name per test process (2048-bit keys take a moment to make)."""
    return KeyPair()


def _issuer_sn(cert) -> str:
    """Alipay's certificate serial: MD5 of "CN=…,OU=…,O=…,C=…" of the issuer (None where a
    part is missing, as the SDK writes it) followed by the decimal serial number."""
    from cryptography.x509.oid import NameOID

    def part(oid):
        found = cert.issuer.get_attributes_for_oid(oid)
        return found[0].value if found else None

    cn, ou = part(NameOID.COMMON_NAME), part(NameOID.ORGANIZATIONAL_UNIT_NAME)
    o, c = part(NameOID.ORGANIZATION_NAME), part(NameOID.COUNTRY_NAME)
    name = f"CN={cn},OU={ou},O={o},C={c}"
    return hashlib.md5(f"{name}{cert.serial_number}".encode(), usedforsecurity=False).hexdigest()


@functools.cache
def alipay_certificates() -> dict:
    """Alipay's public-key-certificate mode for the tests: a root, the application's
    certificate (for the app key pair) and Alipay's (for the platform key pair), each
    signed by the root, as PEM, with the serials Alipay expects in requests."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    root_key = key_pair("alipay-root")

    def name(cn):
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ant Financial Stand-in"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Certification Authority"),
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
            ]
        )

    now = datetime.datetime.now(datetime.UTC)

    def certificate(subject, public_key, serial):
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(name("Stand-in Root CA"))
            .public_key(public_key)
            .serial_number(serial)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .sign(root_key.private, hashes.SHA256())
        )

    root = certificate(name("Stand-in Root CA"), root_key.public, 1001)
    app = certificate(name("2021000100000001"), key_pair("alipay-app").public, 2002)
    alipay = certificate(name("Alipay stand-in"), key_pair("alipay-platform").public, 3003)

    def pem(cert):
        return cert.public_bytes(serialization.Encoding.PEM).decode()

    return {
        "root": pem(root),
        "app": pem(app),
        "alipay": pem(alipay),
        "app_cert_sn": _issuer_sn(app),
        "root_cert_sn": _issuer_sn(root),
        "alipay_cert_sn": _issuer_sn(alipay),
    }
