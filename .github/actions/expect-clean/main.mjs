// Nothing to do yet: the check runs in the post step, after the post steps of later steps.
console.log('Will check at the end of the job that no AWS credentials were left behind.')
