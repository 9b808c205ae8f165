"""The workflows of groups: forming them (``forming``), their wishes for a mentor (``wishes``), matching mentors
(``mentors``), and peer groups and mentor circles (``kinds``)."""
