"""Customer service: the yearly service plan, visits and return visits, customer and market information, after-sales service jobs, quality reports to the GMs (issue 21)."""
