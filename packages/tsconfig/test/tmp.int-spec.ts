it('runs longer than 5s', async () => {
  await new Promise((r) => setTimeout(r, 6500));
});
