"""Which submissions of a class look alike, and which look like a known solution: a lead for a
person to read, never a verdict.

`extract` takes from each submission the code its student wrote (the lines of the TODO regions
that are not the skeleton's), `compare` fingerprints it with copydetect (winnowing, MOSS's method)
and finds the pairs that share fingerprints, `report` writes the ranked page (matching code
highlighted side by side) and the CSV. `python -m autograder.channels.similarity` (`make
similarity`) runs it on a folder of submissions; grade-all writes it into the class report.
"""
