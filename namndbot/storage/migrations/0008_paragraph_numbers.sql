-- The protocol's own paragraph numbers: the number of a meeting's first paragraph
-- (194 for §§ 194–219 in a kommunstyrelse that numbers through the year). Everything
-- else about paragraphs (förhinder, assignments, current_paragraph) stays a position 1..N.
ALTER TABLE meeting ADD COLUMN first_paragraph INTEGER NOT NULL DEFAULT 1 CHECK (first_paragraph >= 1);
