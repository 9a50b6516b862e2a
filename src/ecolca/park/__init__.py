"""What ecolca does with a park beyond one comparison: the synergy finder (suggest), moving a
scenario to another background (rebase), confidential sites in shared outputs (confidential) and
one company's disclosure figures (disclosure). No Qt."""
