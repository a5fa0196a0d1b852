import numpy as np
import pytest

from articles.text import fold_latin_accents
from related.text import normalise, resemblance, signature, stem, terms


def test_french_elisions_are_dropped_with_either_apostrophe():
    assert terms("l'Ukraine", "fr") == terms("l’Ukraine", "fr") == terms("Ukraine", "fr")
    assert terms("d’Élysée jusqu'au lorsqu’il qu'elle", "fr") == ["elys"]


def test_accents_fold_and_words_meet_their_plural():
    assert terms("élection", "fr") == terms("ELECTIONS", "fr") == terms("Élections", "fr")
    assert terms("Sécurité sociale", "fr") == terms("securite sociales", "fr")


@pytest.mark.parametrize("language", ["fr", "en", ""])
def test_stop_words_of_both_languages_are_dropped(language):
    assert terms("le la les des et ou mais the of and to is était être", language) == []


def test_english_possessive_and_plurals():
    assert terms("Reuters's reports on the company's shares", "en") == terms(
        "Reuters report company share", "en"
    )


def test_html_is_read_as_text_and_numbers_only_count_as_years():
    assert terms("<p>Budget <strong>2024</strong> : 350 millions &amp; 12,5 %</p>", "fr") == [
        "budget",
        "2024",
        "million",
    ]


def test_other_scripts_are_kept_and_not_stemmed():
    assert terms("Київ та Україна", "uk") == ["київ", "та", "україна"]
    assert stem("україна", "fr") == "україна"


def test_normalise_folds_like_the_slug_helper():
    text = "Œuvre à Noël, Ça déçoit ; São Paulo, Łódź, naïve"
    assert normalise(text) == fold_latin_accents(text).lower()


def test_signature_tells_one_story_from_another():
    story = "Le conseil municipal a voté le budget de la ville pour l'année prochaine " * 3
    same = signature("Reprise : " + story)
    assert resemblance(signature(story), same) > 0.5
    other = signature("Les joueurs du club ont remporté la finale de la coupe au stade " * 3)
    assert resemblance(signature(story), other) < 0.2
    assert resemblance(signature(""), signature("")) == 0.0
    assert signature(story).dtype == np.uint32
