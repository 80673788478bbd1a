"""Link checking (链接不可用): crawl a site in scope, extract every link kind, check each unique URL once."""
