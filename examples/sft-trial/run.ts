// Placeholder replaced as soon as the data model lands in this same change set.
console.log('rcteval SFT example');
