"""Client file names: readable ASCII from any script, and never one file for two clients."""

from __future__ import annotations

import re

from spapress.clients.names import first_name, readable_stem

DAY = "2026-11-24"


def made_name(run) -> str:
    assert run.code == 0, run.err
    return run.out.split()[1].rsplit("/", 1)[1]


def sheet_for(site, name: str):
    return site.run("client", "stress-relief-points", "--name", name, "--therapist", "Sam", "--date", DAY)


def test_names_in_other_scripts_become_readable_ascii():
    assert readable_stem("Zoë Ölçer") == ("zoe-olcer", False)
    assert readable_stem("Ελένη Παπαδοπούλου") == ("eleni-papadopoyloy", False)
    assert readable_stem("Анна Петрова") == ("anna-petrova", False)
    assert readable_stem("Łukasz Żółć") == ("lukasz-zolc", False)
    assert readable_stem("—·—") == ("", True)
    assert readable_stem("A" * 50) == ("a" * 40, True)


def test_greek_and_cyrillic_clients_get_their_own_readable_files(site):
    greek = made_name(sheet_for(site, "Ελένη Παπαδοπούλου"))
    cyrillic = made_name(sheet_for(site, "Анна Петрова"))
    assert greek == "eleni-papadopoyloy-stress-relief-points.pdf"
    assert cyrillic == "anna-petrova-stress-relief-points.pdf"


def test_two_clients_with_the_same_readable_name_never_share_a_file(site):
    first = made_name(sheet_for(site, "José Núñez"))
    second = made_name(sheet_for(site, "Jose Nunez"))          # another person: the letters differ
    assert first == "jose-nunez-stress-relief-points.pdf"
    assert re.fullmatch(r"jose-nunez-[0-9a-f]{6}-stress-relief-points\.pdf", second), second
    # The same client typed differently: their own file name (a second version, as the name printed differs).
    assert made_name(sheet_for(site, "  josé   NÚÑEZ ")) == "jose-nunez-stress-relief-points-v2.pdf"


def test_long_names_that_differ_only_at_the_end_get_different_files(site):
    base = "Maria Fernanda de los Angeles Gutierrez Villanueva"
    one, two = made_name(sheet_for(site, base + " Uno")), made_name(sheet_for(site, base + " Dos"))
    assert one != two
    for name in (one, two):
        assert re.fullmatch(r"maria-fernanda-de-los-angeles-gutierrez-[0-9a-f]{6}-stress-relief-points\.pdf", name), name
    assert made_name(sheet_for(site, base + " Uno")) == one    # stable: the same client keeps their name


def test_a_batch_with_greek_and_cyrillic_clients_makes_both(site):
    site.write("today.csv", "name,therapist,handout,date\n"
                            f"Ελένη Παπαδοπούλου,Sam,stress-relief-points,{DAY}\n"
                            f"Анна Петрова,Sam,stress-relief-points,{DAY}\n"
                            f"Ωμέγα,Sam,stress-relief-points,{DAY}\n")
    run = site.run("clients", str(site.path("today.csv")))
    assert run.code == 0, run.err
    assert run.out.strip().splitlines()[-1] == "3 of 3 client sheets made"
    names = sorted(p.name for p in site.path(f"clients/{DAY}").glob("*.pdf"))
    assert names == ["anna-petrova-stress-relief-points.pdf", "eleni-papadopoyloy-stress-relief-points.pdf",
                     "omega-stress-relief-points.pdf"]


def test_clients_are_greeted_by_first_name_where_the_name_allows_it():
    assert first_name("Ana Lima") == "Ana"
    assert first_name("Cher") == "Cher"
    assert first_name("Lima, Ana") == "Lima, Ana"
    assert first_name("Dr. Ana Lima") == "Dr. Ana Lima"
    assert first_name("J. R. Lima") == "J. R. Lima"
    assert first_name("王小明") == "王小明"
