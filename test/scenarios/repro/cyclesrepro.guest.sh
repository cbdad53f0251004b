# cyclesrepro (guest side): just keep two vCPUs busy; no IMR here.
mark churning
check repro-guest-churn churn 2 60 32
