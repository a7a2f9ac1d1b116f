"""check.parked and the packaged parking.json: signatures, evidence, no false moves."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from curatorbot.check.parked import Match, parked, service_of, services


def test_the_data_names_the_large_services_each_with_a_known_source() -> None:
    data = json.loads(resources.files("curatorbot").joinpath("data/parking.json")
                      .read_text("utf-8"))
    names = {s["name"] for s in data["services"]}
    for wanted in ("Sedo", "Bodis", "ParkingCrew", "Above", "Dan.com", "Afternic",
                   "GoDaddy CashParking", "HugeDomains", "Namecheap parking"):
        assert wanted in names
    for service in data["services"]:
        assert service["source"] and set(service["source"]) <= set(data["sources"])
        assert service["nameservers"] or service["hosts"] or service["page"], service["name"]
        for pattern in service["page"]:
            re.compile(pattern)
    assert len(services()) == len(data["services"])


@pytest.mark.parametrize(("final_url", "service", "signature"), [
    ("https://sedo.com/search/details/?domain=old.example", "Sedo", "sedo.com/search/details"),
    ("https://www.hugedomains.com/domain_profile.cfm?d=old.example", "HugeDomains",
     "hugedomains.com/domain_profile.cfm"),
    ("https://dan.com/buy-domain/old.example", "Dan.com", "dan.com/buy-domain"),
    ("https://www.afternic.com/forsale/old.example", "Afternic", "afternic.com/forsale"),
    ("https://www.godaddy.com/forsale/old.example", "GoDaddy CashParking", "godaddy.com/forsale"),
    ("http://parkingpage.namecheap.com/", "Namecheap parking", "parkingpage.namecheap.com"),
    ("https://traff-3.hugedomains.com/x", "HugeDomains", "traff-*.hugedomains.com"),
])
def test_a_redirect_into_a_service_is_parked(final_url: str, service: str,
                                             signature: str) -> None:
    match = parked(final_url, ["https://old.example/docs", final_url])
    assert match == Match(service, "redirect", signature, final_url)
    assert service in match.evidence and signature in match.evidence


def test_links_to_the_services_themselves_are_not_parked() -> None:
    for url in ("https://sedo.com/search/details/?domain=x", "https://www.godaddy.com/forsale/x",
                "https://dan.com/buy-domain/x"):
        assert parked(url, [url]) is None
    # a godaddy.com page that is not a sale page, reached from elsewhere, is no evidence
    help_page = "https://www.godaddy.com/help"
    assert parked(help_page, ["https://x.example/", help_page]) is None
    moved = "https://www.godaddy.com/forsale/x"
    assert parked(moved, ["https://www.godaddy.com/domains", moved]) is None


def test_name_servers_match_their_globs() -> None:
    match = parked("https://old.example/", nameservers=["NS3.ParkingCrew.NET."])
    assert match is not None and (match.service, match.kind) == ("ParkingCrew", "nameserver")
    assert match.signature == "ns*.parkingcrew.net"
    assert parked("https://old.example/", nameservers=["ns1.example-dns.com"]) is None


@pytest.mark.parametrize(("body", "service"), [
    (b'<html><script src="//img1.wsimg.com/parking-lander/static/js/main.js"></script>',
     "GoDaddy CashParking"),
    (b"<iframe src='https://www.sedoparking.com/frmpark/old.example/'></iframe>", "Sedo"),
    (b'<script src="https://www.parkingcrew.net/park.js"></script>', "ParkingCrew"),
])
def test_page_signatures(body: bytes, service: str) -> None:
    match = parked("https://old.example/", ["https://old.example/"], {}, body)
    assert match is not None and (match.service, match.kind) == (service, "page")


def test_refresh_header_and_meta_refresh_are_redirects() -> None:
    header = parked("https://old.example/", ["https://old.example/"],
                    {"refresh": "0; url=https://sedo.com/search/details/?domain=old.example"})
    assert header is not None and header.service == "Sedo"
    meta = parked("https://old.example/", ["https://old.example/"], {},
                  b'<meta http-equiv="refresh" content="0;URL=\'https://dan.com/buy-domain/x\'">')
    assert meta is not None and (meta.service, meta.kind) == ("Dan.com", "redirect")


def test_ordinary_pages_that_mention_parking_are_not_parked() -> None:
    article = (b"<h1>How Sedo and Bodis parking works</h1><p>See https://sedoparking.com/ and "
               b"<a href='https://www.hugedomains.com/domain_profile.cfm?d=x'>this offer</a>."
               b" This domain may be for sale.</p>")
    assert parked("https://blog.example/parking", ["https://blog.example/parking"], {},
                  article) is None
    assert service_of("https://notsedo.com/search/details/") is None
