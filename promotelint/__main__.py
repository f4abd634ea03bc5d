from promotelint.cli import main

main()
