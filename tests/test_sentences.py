from __future__ import annotations

import pytest

from matrix.files.sentences import split_sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        ("One here. Two there! Three? Four.", ["One here.", "Two there!", "Three?", "Four."]),
        ("The U.S. Secretary spoke. India agreed.", ["The U.S. Secretary spoke.", "India agreed."]),
        ("Dr. Rao and Mr. Li met e.g. in Delhi. Then left.", ["Dr. Rao and Mr. Li met e.g. in Delhi.", "Then left."]),
        ("Written by J. Smith of the U.K. Ministry. Fine.", ["Written by J. Smith of the U.K. Ministry.", "Fine."]),
        ("Trade reached $1.5 billion. Good.", ["Trade reached $1.5 billion.", "Good."]),
        ("He said \u201cno.\u201d Then \u201cyes.\u201d", ["He said \u201cno.\u201d", "Then \u201cyes.\u201d"]),
        (
            "[Lalwani argues they differ.](#) When it comes to it, fine.",
            ["[Lalwani argues they differ.](#)", "When it comes to it, fine."],
        ),
        ("A Heading\nBody text here. More text.", ["A Heading", "Body text here.", "More text."]),
        ("its Western\n\nallies think so. Next.", ["its Western allies think so.", "Next."]),
        ("lower case after stop. then more", ["lower case after stop. then more"]),
        (
            "They signed the India-U.S. Global Strategic Partnership. It held.",
            ["They signed the India-U.S. Global Strategic Partnership.", "It held."],
        ),
        ("A US/U.K. Accord and a U.S.\u2013U.K. Deal. Next.", ["A US/U.K. Accord and a U.S.\u2013U.K. Deal.", "Next."]),
        # the documented trade-off: an initialism never ends a sentence inside a line
        ("It was led by the U.S. The next step is India's.", ["It was led by the U.S. The next step is India's."]),
        ("It was led by the U.S.\nThe next step is India's.", ["It was led by the U.S.", "The next step is India's."]),
        ("Led by India-Japan. The next.", ["Led by India-Japan.", "The next."]),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_spans_point_into_the_original() -> None:
    text = "Title\n\n  First sentence here.  Second one.\n"
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == ["Title", "First sentence here.", "Second one."]
    assert [s.complete for s in sentences] == [False, True, True]
